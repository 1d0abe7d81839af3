package dev.taskmesh.infra;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * An event-bus codec for JSON messages that no consumer changes: local consumers all receive the
 * published object itself, where Vert.x's own JSON codec gives each one a deep copy. Status notices
 * on {@code runs.status} go to every API verticle of the process and to the outbox relay, a few per
 * run; their copies were ~2% of what a run allocated (docs/benchmarks.md, twenty-second round).
 * Across a cluster the message travels as JSON text, as with Vert.x's codec.
 *
 * <p>A consumer of such a message must treat it as read-only: a change would be seen by the others.
 */
public final class ReadOnlyJsonCodec implements MessageCodec<JsonObject, JsonObject> {

  public static final String NAME = "taskmesh-read-only-json";

  /** Publish with these options to send a message through this codec. */
  public static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME);

  ReadOnlyJsonCodec() {}

  /**
   * Makes the codec known to {@code eventBus}, once: every process that publishes or consumes such
   * messages must have it, since a clustered message names its codec and the receiver decodes with it.
   */
  public static void register(EventBus eventBus) {
    try {
      eventBus.registerCodec(new ReadOnlyJsonCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this process registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int position, Buffer buffer) {
    int length = buffer.getInt(position);
    int start = position + 4;
    return new JsonObject(buffer.slice(start, start + length));
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
