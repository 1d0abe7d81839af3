package dev.taskmesh.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP load on one Vert.x event loop: a closed loop (N requests always in flight: the maximum rate)
 * or an open loop (requests sent on a fixed schedule; latency measured from the intended send time,
 * so a stalled server is not hidden by the generator waiting for it — no coordinated omission).
 */
public final class LoadGenerator implements AutoCloseable {

  /** One kind of request; {@code onOk} sees each successful body (e.g. to collect created ids). */
  public record Request(HttpMethod method, String path, Map<String, String> headers, Buffer body, int expectedStatus, Consumer<Buffer> onOk) {
    public static Request get(String path, Map<String, String> headers) {
      return new Request(HttpMethod.GET, path, headers, null, 200, body -> { });
    }
  }

  private static final int MAX_OUTSTANDING = 20_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final String host;
  private final int port;

  public LoadGenerator(Vertx vertx, String baseUrl, int connections) {
    URI uri = URI.create(baseUrl);
    this.vertx = vertx;
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Keeps {@code concurrency} requests in flight for {@code seconds}, or until {@code maxRequests} succeeded. */
  public LoadResult closedLoop(String name, Request request, int concurrency, double seconds, long maxRequests) {
    Latency latency = new Latency();
    long[] counts = new long[3]; // ok, errors, started
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    Promise<Void> done = Promise.promise();
    int[] active = {concurrency};
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        loop(request, latency, counts, end, maxRequests, active, done);
      }
    });
    done.future().await();
    return new LoadResult(name, counts[0], counts[1], (System.nanoTime() - start) / 1e9, latency);
  }

  private void loop(Request request, Latency latency, long[] counts, long end, long maxRequests, int[] active, Promise<Void> done) {
    if (System.nanoTime() >= end || counts[2] >= maxRequests) {
      if (--active[0] == 0) {
        done.tryComplete();
      }
      return;
    }
    counts[2]++;
    long sent = System.nanoTime();
    send(request).onComplete(result -> {
      if (result.succeeded()) {
        latency.recordNanos(System.nanoTime() - sent);
        counts[0]++;
      } else {
        counts[1]++;
      }
      loop(request, latency, counts, end, maxRequests, active, done);
    });
  }

  /** Sends {@code ratePerSecond} requests a second for {@code seconds}, then waits for the stragglers. */
  public LoadResult openLoop(String name, Request request, double ratePerSecond, double seconds) {
    Latency latency = new Latency();
    long total = Math.max(1, (long) (ratePerSecond * seconds));
    long[] counts = new long[3]; // ok, errors, sent
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    vertx.runOnContext(v -> sendDue(request, ratePerSecond, total, start, counts, latency, done));
    done.future().await();
    return new LoadResult(name, counts[0], counts[1], (System.nanoTime() - start) / 1e9, latency);
  }

  /**
   * Sends every request due by now, then sleeps until the next one is due. A timer per send time,
   * not a 1 ms tick: at 150 requests a second the generator wakes 150 times, not 1,000, and leaves
   * the CPU to the system it measures (they share the machine).
   */
  private void sendDue(Request request, double ratePerSecond, long total, long start, long[] counts, Latency latency, Promise<Void> done) {
    long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * ratePerSecond) + 1);
    while (counts[2] < due) {
      long intended = start + (long) (counts[2] / ratePerSecond * 1e9);
      counts[2]++;
      if (counts[2] - counts[0] - counts[1] > MAX_OUTSTANDING) {
        counts[1]++; // the server fell hopelessly behind: count as failed rather than queue without bound
        continue;
      }
      send(request).onComplete(result -> {
        if (result.succeeded()) {
          latency.recordNanos(System.nanoTime() - intended);
          counts[0]++;
        } else {
          counts[1]++;
        }
        if (counts[0] + counts[1] == total) {
          done.tryComplete();
        }
      });
    }
    if (counts[0] + counts[1] == total) {
      done.tryComplete(); // the last ones were counted as failed above, without a reply to wait for
    }
    if (counts[2] < total) {
      long next = start + (long) (counts[2] / ratePerSecond * 1e9);
      long delayMs = Math.max(1, (next - System.nanoTime() + 999_999) / 1_000_000);
      vertx.setTimer(delayMs, id -> sendDue(request, ratePerSecond, total, start, counts, latency, done));
    }
  }

  private Future<Void> send(Request request) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(host).setPort(port).setURI(request.path());
    request.headers().forEach(options::putHeader);
    return client.request(options)
        .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
        .compose(response -> response.body().compose(body -> {
          if (response.statusCode() != request.expectedStatus()) {
            return Future.failedFuture("status " + response.statusCode());
          }
          request.onOk().accept(body);
          return Future.succeededFuture();
        }));
  }

  @Override
  public void close() {
    client.close().await();
  }
}
