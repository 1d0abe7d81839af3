package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReadOnlyJsonCodecTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ReadOnlyJsonCodec.register(vertx.eventBus());
    ReadOnlyJsonCodec.register(vertx.eventBus()); // a second verticle registering it is harmless
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyLocalConsumerReceivesThePublishedObjectWhereVertxsCodecCopiesIt() {
    EventBus bus = vertx.eventBus();
    List<JsonObject> shared = new CopyOnWriteArrayList<>();
    List<JsonObject> copied = new CopyOnWriteArrayList<>();
    bus.<JsonObject>consumer("shared", message -> shared.add(message.body())).completion().await();
    bus.<JsonObject>consumer("shared", message -> shared.add(message.body())).completion().await();
    bus.<JsonObject>consumer("copied", message -> copied.add(message.body())).completion().await();
    JsonObject notice = new JsonObject().put("runId", "r1").put("status", "COMPLETED");

    bus.publish("shared", notice, ReadOnlyJsonCodec.DELIVERY);
    bus.publish("copied", notice);

    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((shared.size() < 2 || copied.isEmpty()) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(shared).hasSize(2);
    assertThat(copied).hasSize(1);
    assertThat(shared).allSatisfy(body -> assertThat(body).isSameAs(notice));
    assertThat(copied.get(0)).isNotSameAs(notice).isEqualTo(notice);
  }

  @Test
  void crossesTheWireAsTheJsonItCarries() {
    JsonObject notice = new JsonObject().put("runId", "r1").put("attempt", 2).put("terminal", true)
        .put("result", new JsonObject().put("items", new io.vertx.core.json.JsonArray().add(1).add("two")));
    ReadOnlyJsonCodec codec = new ReadOnlyJsonCodec();
    Buffer frame = Buffer.buffer().appendString("header");

    codec.encodeToWire(frame, notice);

    assertThat(codec.decodeFromWire("header".length(), frame)).isEqualTo(notice);
  }
}
