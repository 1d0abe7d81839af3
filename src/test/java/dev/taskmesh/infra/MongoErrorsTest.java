package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MongoErrorsTest {

  private static final ServerAddress STORE = new ServerAddress("127.0.0.1", 27017);

  @Test
  void aStoreThatCannotBeReachedOrDoesNotAnswerIsUnavailableHoweverTheFailureIsWrapped() {
    assertThat(MongoErrors.storeUnavailable(new MongoTimeoutException("Timed out while waiting for a server"))).isTrue();
    assertThat(MongoErrors.storeUnavailable(new MongoSocketOpenException("Exception opening socket", STORE, new IOException("refused")))).isTrue();
    assertThat(MongoErrors.storeUnavailable(new CompletionException(
        new MongoSocketReadTimeoutException("Timeout while receiving message", STORE, new IOException("silent"))))).isTrue();
  }

  @Test
  void aStoreThatAnsweredWithARefusalOrAnyOtherFailureIsNot() {
    assertThat(MongoErrors.storeUnavailable(new MongoException(11000, "E11000 duplicate key error"))).isFalse();
    assertThat(MongoErrors.storeUnavailable(new IllegalStateException("a bug"))).isFalse();
    assertThat(MongoErrors.storeUnavailable(null)).isFalse();
  }
}
