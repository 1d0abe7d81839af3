package dev.taskmesh.task.handler;

import dev.taskmesh.task.Cancellation;
import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Counts primes up to n with a sieve: CPU-bound, so it runs on a worker thread, never the event loop. */
public final class PrimesHandler implements TaskHandler {

  static final int MAX_N = 100_000_000;
  private static final int CHECK_EVERY = 1 << 16;

  @Override
  public String type() {
    return "primes";
  }

  @Override
  public String description() {
    return "Counts the primes up to n (CPU-bound); n = 100000 by default.";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("n", new JsonObject().put("type", "integer").put("minimum", 2).put("maximum", MAX_N).put("default", 100_000)));
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    int n = Math.min(MAX_N, Math.max(2, context.intInput("n", 100_000)));
    return context.compute(() -> new JsonObject().put("n", n).put("primes", countPrimes(n, context.cancellation())));
  }

  static int countPrimes(int n) {
    return countPrimes(n, new Cancellation());
  }

  static int countPrimes(int n, Cancellation cancellation) {
    boolean[] composite = new boolean[n + 1];
    int count = 0;
    for (int i = 2; i <= n; i++) {
      if ((i & (CHECK_EVERY - 1)) == 0) {
        cancellation.check();
      }
      if (!composite[i]) {
        count++;
        for (long j = (long) i * i; j <= n; j += i) {
          composite[(int) j] = true;
        }
      }
    }
    return count;
  }
}
