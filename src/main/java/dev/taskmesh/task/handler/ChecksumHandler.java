package dev.taskmesh.task.handler;

import dev.taskmesh.task.Cancellation;
import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * SHA-256 over {@code sizeBytes} of deterministic pseudo-random data (from {@code seed}), hashed
 * {@code rounds} times (each round hashes the data and the previous digest). CPU- and memory-bound:
 * runs on a worker thread and checks for cancellation between chunks.
 */
public final class ChecksumHandler implements TaskHandler {

  static final int MAX_SIZE = 64 * 1024 * 1024;
  static final int MAX_ROUNDS = 1_000;
  private static final int CHUNK = 64 * 1024;

  @Override
  public String type() {
    return "checksum";
  }

  @Override
  public String description() {
    return "SHA-256 over generated data (sizeBytes = 1 MiB, rounds = 1, seed = 0 by default).";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("sizeBytes", new JsonObject().put("type", "integer").put("minimum", 0).put("maximum", MAX_SIZE).put("default", 1024 * 1024))
            .put("rounds", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", MAX_ROUNDS).put("default", 1))
            .put("seed", new JsonObject().put("type", "integer").put("default", 0)));
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    int size = Math.min(MAX_SIZE, Math.max(0, context.intInput("sizeBytes", 1024 * 1024)));
    int rounds = Math.min(MAX_ROUNDS, Math.max(1, context.intInput("rounds", 1)));
    long seed = context.longInput("seed", 0);
    return context.compute(() -> new JsonObject()
        .put("sizeBytes", size)
        .put("rounds", rounds)
        .put("seed", seed)
        .put("sha256", checksum(size, rounds, seed, context.cancellation())));
  }

  static String checksum(int size, int rounds, long seed, Cancellation cancellation) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    byte[] chunk = new byte[CHUNK];
    byte[] previous = new byte[0];
    for (int round = 0; round < rounds; round++) {
      SplittableRandom random = new SplittableRandom(seed);
      digest.update(previous);
      for (int done = 0; done < size; done += CHUNK) {
        cancellation.check();
        int length = Math.min(CHUNK, size - done);
        for (int i = 0; i < length; i += 8) {
          long value = random.nextLong();
          for (int b = 0; b < 8 && i + b < length; b++) {
            chunk[i + b] = (byte) (value >>> (8 * b));
          }
        }
        digest.update(chunk, 0, length);
      }
      previous = digest.digest();
    }
    return HexFormat.of().formatHex(previous);
  }
}
