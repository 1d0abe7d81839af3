package dev.taskmesh.observability.shipping;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the engine: takes batches from the queue, sends {@code _bulk}
 * requests, checks every item of every response, backs off exponentially while the engine is
 * unreachable, and on stop flushes what it can within a bounded wait. Never runs on an event loop.
 *
 * <p>Each document has an id fixed when it was queued and is sent with the {@code create} action,
 * so a batch retried after a lost response cannot index anything twice: the engine answers 409 for
 * the copies, which count as shipped.
 */
final class BulkShipper implements Runnable {

  /** Log lines of the shipper itself are never shipped (they would feed an outage back into the queue). */
  static final String LOGGER_NAME = "dev.taskmesh.observability.shipping";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
  private static final long WARN_INTERVAL_MS = 30_000;

  /** A queued document: its id, target index and the JSON source (encoded lazily on this thread). */
  record Doc(String id, String index, Object event, int attempts) {
    Doc retried() {
      return new Doc(id, index, event, attempts + 1);
    }
  }

  private final ShippingSettings settings;
  private final PendingQueue<Doc> queue;
  private final ShippingStats stats;
  private final Function<Object, byte[]> encoder;
  private final HttpClient http;
  private final String authorization;
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile boolean engineUp;
  private volatile long lastSuccessMillis;
  private volatile String lastError = "not contacted yet";
  private boolean templateInstalled;
  private long lastDropWarn;
  private long droppedAtLastWarn;
  private long lastRejectWarn;

  BulkShipper(ShippingSettings settings, PendingQueue<Doc> queue, ShippingStats stats, Function<Object, byte[]> encoder) {
    this.settings = settings;
    this.queue = queue;
    this.stats = stats;
    this.encoder = encoder;
    // HTTP/1.1 only: the default first tries an h2c upgrade, which Elasticsearch never accepts.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(ShippingSettings.CONNECT_TIMEOUT_MS)).build();
    this.authorization = settings.authorization();
  }

  @Override
  public void run() {
    long backoff = 0;
    List<Doc> batch = List.of();
    try {
      while (true) {
        if (batch.isEmpty()) {
          if (stopping && queue.size() == 0) {
            return;
          }
          batch = queue.take(settings.batchSize(), stopping ? 0 : settings.flushIntervalMs());
          warnAboutDrops();
          if (batch.isEmpty()) {
            continue;
          }
        }
        if (stopping && System.nanoTime() > stopDeadlineNanos) {
          abandon(batch);
          return;
        }
        List<Doc> retry = templateInstalled || installTemplate() ? send(batch) : null;
        if (retry == null) {
          // the whole request failed: keep the batch, wait, try again
          backoff = backoff == 0 ? ShippingSettings.MIN_BACKOFF_MS : Math.min(ShippingSettings.MAX_BACKOFF_MS, backoff * 2);
          pause(backoff);
        } else {
          backoff = 0;
          batch = retry;
          if (!retry.isEmpty()) {
            pause(ShippingSettings.MIN_BACKOFF_MS);
          }
        }
      }
    } catch (InterruptedException e) {
      abandon(batch);
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the loop to finish: flush what is queued until the deadline, then count the rest as dropped. */
  void stop(long timeoutMs) {
    stopDeadlineNanos = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    stopping = true;
    queue.wake();
  }

  boolean engineUp() {
    return engineUp;
  }

  long lastSuccessMillis() {
    return lastSuccessMillis;
  }

  String lastError() {
    return lastError;
  }

  private void abandon(List<Doc> batch) {
    long left = batch.size() + queue.clear();
    if (left > 0) {
      stats.dropped.addAndGet(left);
      LOG.warn("Log shipping stopped with {} event(s) not delivered to {} (counted as dropped)", left, settings.base());
    }
  }

  private void pause(long millis) throws InterruptedException {
    long wait = millis;
    if (stopping) {
      wait = Math.min(wait, Math.max(0, (stopDeadlineNanos - System.nanoTime()) / 1_000_000));
    }
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private boolean installTemplate() {
    String body = IndexTemplate.json(settings.indexPrefix());
    HttpResponse<String> response = exchange("PUT", "/_index_template/" + settings.indexPrefix(), body, "application/json");
    if (response == null) {
      return false;
    }
    if (response.statusCode() / 100 != 2) {
      // An engine without composable templates (or without the privilege) still takes documents.
      LOG.warn("Index template {} not installed ({}): documents are mapped dynamically", settings.indexPrefix(), response.statusCode());
    }
    templateInstalled = true;
    return true;
  }

  /** Sends one bulk request. Returns the documents to try again (possibly none), or null if the request failed as a whole. */
  private List<Doc> send(List<Doc> batch) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 512);
    List<Doc> included = new ArrayList<>(batch.size());
    List<Doc> later = new ArrayList<>();
    for (Doc doc : batch) {
      byte[] source = encoder.apply(doc.event());
      if (source == null) {
        stats.rejected.incrementAndGet();
        continue;
      }
      byte[] action = ("{\"create\":{\"_index\":\"" + doc.index() + "\",\"_id\":\"" + doc.id() + "\"}}\n").getBytes(StandardCharsets.UTF_8);
      if (!included.isEmpty() && body.size() + action.length + source.length + 1 > ShippingSettings.MAX_BULK_BYTES) {
        later.add(doc);
        continue;
      }
      body.writeBytes(action);
      body.writeBytes(source);
      body.write('\n');
      included.add(doc);
    }
    if (included.isEmpty()) {
      return later;
    }
    stats.bulkRequests.incrementAndGet();
    HttpResponse<String> response = exchange("POST", "/_bulk", body.toString(StandardCharsets.UTF_8), "application/x-ndjson");
    if (response == null) {
      return null;
    }
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      down("HTTP " + status + " from _bulk");
      return null;
    }
    if (status / 100 != 2) {
      // The request itself was refused (bad credentials, 4xx): nothing of it can ever be indexed as sent.
      down("HTTP " + status + " from _bulk: " + abbreviate(response.body()));
      return null;
    }
    up();
    List<Doc> retry = new ArrayList<>(later);
    checkItems(included, response.body(), retry);
    return retry;
  }

  private void checkItems(List<Doc> sent, String responseBody, List<Doc> retry) {
    JsonArray items;
    try {
      JsonObject reply = new JsonObject(responseBody);
      if (!reply.getBoolean("errors", false)) {
        stats.shipped.addAndGet(sent.size());
        return;
      }
      items = reply.getJsonArray("items");
    } catch (RuntimeException e) {
      items = null;
    }
    if (items == null || items.size() != sent.size()) {
      // An answer we cannot match to the documents: sending again is safe (ids make it idempotent).
      lastError = "unreadable _bulk response";
      retry.addAll(sent);
      return;
    }
    int rejectedNow = 0;
    String sample = null;
    for (int i = 0; i < sent.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      JsonObject result = item.getJsonObject("create", item.getJsonObject("index", new JsonObject()));
      int itemStatus = result.getInteger("status", 500);
      if (itemStatus / 100 == 2 || itemStatus == 409) {
        stats.shipped.incrementAndGet();
      } else if ((itemStatus == 429 || itemStatus == 503) && sent.get(i).attempts() + 1 < ShippingSettings.MAX_ITEM_ATTEMPTS) {
        retry.add(sent.get(i).retried());
      } else {
        stats.rejected.incrementAndGet();
        rejectedNow++;
        if (sample == null) {
          Object error = result.getValue("error");
          sample = itemStatus + " " + (error instanceof JsonObject e ? e.getString("type") + ": " + e.getString("reason") : String.valueOf(error));
        }
      }
    }
    long now = System.currentTimeMillis();
    if (rejectedNow > 0 && now - lastRejectWarn > WARN_INTERVAL_MS) {
      lastRejectWarn = now;
      LOG.warn("Elasticsearch rejected {} log document(s) of a bulk request (total {}), e.g. {}", rejectedNow, stats.rejected(), abbreviate(sample));
    }
  }

  private HttpResponse<String> exchange(String method, String path, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.base() + path))
        .timeout(Duration.ofMillis(ShippingSettings.REQUEST_TIMEOUT_MS))
        .header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    // A hard deadline of our own: the JDK client's request timeout covers waiting for the response
    // headers, and a request whose connection the engine's side cut mid-exchange was seen to hang
    // past it (LogShippingIT: no failure reported for 30 s of an outage, with a 10 s timeout).
    java.util.concurrent.CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    try {
      return exchange.get(ShippingSettings.CONNECT_TIMEOUT_MS + ShippingSettings.REQUEST_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      down("interrupted");
      return null;
    } catch (java.util.concurrent.TimeoutException e) {
      exchange.cancel(true);
      down("no answer within " + (ShippingSettings.CONNECT_TIMEOUT_MS + ShippingSettings.REQUEST_TIMEOUT_MS) + " ms");
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      down(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
      return null;
    }
  }

  private void down(String reason) {
    stats.failedRequests.incrementAndGet();
    lastError = reason;
    if (engineUp || stats.failedRequests() == 1) {
      LOG.warn("Log shipping to {} failing ({}); retrying with backoff, queue bounded at {} events", settings.base(), reason, settings.queueCapacity());
    }
    engineUp = false;
  }

  private void up() {
    if (!engineUp && stats.failedRequests() > 0) {
      LOG.info("Log shipping to {} recovered ({})", settings.base(), stats);
    }
    engineUp = true;
    lastError = null;
    lastSuccessMillis = System.currentTimeMillis();
  }

  private void warnAboutDrops() {
    long now = System.currentTimeMillis();
    long dropped = stats.dropped();
    if (dropped > droppedAtLastWarn && now - lastDropWarn > WARN_INTERVAL_MS) {
      LOG.warn("Log shipping queue full: {} event(s) dropped (oldest first) since the last warning, {} in total",
          dropped - droppedAtLastWarn, dropped);
      lastDropWarn = now;
      droppedAtLastWarn = dropped;
    }
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
