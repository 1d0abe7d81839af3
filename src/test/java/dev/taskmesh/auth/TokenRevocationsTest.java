package dev.taskmesh.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.support.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocations reach every gateway process through the store: two token services stand for two
 * processes with the same signing key, a third for one that starts later.
 */
class TokenRevocationsTest {

  private static final Duration RELEVANT = Duration.ofMinutes(61);

  private static Vertx vertx;
  private static TestStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
  }

  @AfterAll
  static void stop() {
    store.close();
    vertx.close().await();
  }

  private static TokenService process() {
    return new TokenService(vertx, TokenKeys.resolve(TokenServiceTest.auth(), Path.of(".")), TokenServiceTest.auth(), null);
  }

  private static boolean accepts(TokenService tokens, String token) {
    try {
      tokens.authenticate(new TokenCredentials(token)).await();
      return true;
    } catch (RuntimeException refused) {
      assertThat(refused).hasMessageContaining("revoked");
      return false;
    }
  }

  @Test
  void aRevocationInOneProcessReachesTheOthersAtTheirNextPullAndOneStartedLater() throws Exception {
    TokenService a = process();
    TokenService b = process();
    TokenRevocations atA = new TokenRevocations(store.client(), a, RELEVANT);
    TokenRevocations atB = new TokenRevocations(store.client(), b, RELEVANT);
    atB.pull().await();
    String old = a.issue("user-1", "u1@x.y", Role.ADMIN).token();
    String unrelated = a.issue("user-2", "u2@x.y", Role.REGISTERED).token();
    assertThat(accepts(b, old)).isTrue(); // and now cached as verified in b

    Thread.sleep(2); // the revocation instant is after the old token's issue time in milliseconds
    atA.revoke("user-1", System.currentTimeMillis()).await();
    assertThat(accepts(a, old)).isFalse(); // at once where it was made
    assertThat(accepts(b, old)).isTrue(); // not yet pulled
    assertThat(atB.pull().await()).isEqualTo(1);
    assertThat(accepts(b, old)).isFalse();
    assertThat(accepts(b, unrelated)).isTrue();
    Thread.sleep(2);
    String fresh = a.issue("user-1", "u1@x.y", Role.INVITED).token(); // logged in again after the change
    assertThat(accepts(b, fresh)).isTrue();

    TokenService restarted = process();
    assertThat(accepts(restarted, old)).isTrue(); // knows nothing before its first pull
    new TokenRevocations(store.client(), restarted, RELEVANT).pull().await();
    assertThat(accepts(restarted, old)).isFalse();
    assertThat(accepts(restarted, fresh)).isTrue();
  }

  @Test
  void aLaterRevocationMovesTheInstantForwardNeverBackAndOldOnesAreNotLoaded() {
    TokenService a = process();
    TokenRevocations log = new TokenRevocations(store.client(), a, RELEVANT);
    log.revoke("user-3", 2_000L).await();
    log.revoke("user-3", 1_000L).await(); // e.g. two processes racing: the later instant stays
    JsonObject stored = store.client().findOne(TokenRevocations.COLLECTION, new JsonObject().put("_id", "user-3"), null).await();
    assertThat(stored.getLong("before")).isEqualTo(2_000L);
    assertThat(stored.getInteger("v")).isEqualTo(TokenRevocations.SCHEMA_VERSION);

    // Recorded longer ago than a token can live: a starting process skips it.
    store.client().updateCollection(TokenRevocations.COLLECTION, new JsonObject().put("_id", "user-3"),
        new JsonObject().put("$set", new JsonObject().put("at", System.currentTimeMillis() - RELEVANT.toMillis() - Duration.ofMinutes(2).toMillis())))
        .await();
    TokenService later = process();
    new TokenRevocations(store.client(), later, RELEVANT).pull().await();
    String token = later.issue("user-3", "u3@x.y", Role.REGISTERED).token();
    assertThat(accepts(later, token)).isTrue();
  }

  @Test
  void accountChangesRevokeThroughTheSharedLog() {
    TokenService a = process();
    TokenService b = process();
    TokenRevocations atB = new TokenRevocations(store.client(), b, RELEVANT);
    atB.pull().await();
    PasswordHasher hasher = new PasswordHasher(PasswordHasher.Parameters.OWASP_MINIMUM);
    AccountService accounts = new AccountService(vertx, new AccountRepository(store.client()), hasher, a,
        new TokenRevocations(store.client(), a, RELEVANT), hasher.hash("dummy-password"));
    Account created = accounts.create("changes@x.y", "Changes", "a-good-password", Role.REGISTERED).await();
    String token = a.issue(created.id(), created.email(), created.role()).token();
    assertThat(accepts(b, token)).isTrue();

    accounts.update(created, null, null, null, Role.INVITED).await().orElseThrow();
    atB.pull().await();
    assertThat(accepts(b, token)).isFalse();
  }
}
