package dev.taskmesh.observability.shipping;

import java.net.URI;
import java.util.Optional;

/**
 * Where and how logs are shipped. {@code queueCapacity} bounds the events waiting in memory (the
 * oldest is dropped and counted when full); at most {@code batchSize} more are in the request being
 * sent. {@code shutdownTimeoutMs} bounds how long a stop waits for the last flush.
 */
public record ShippingSettings(
    URI url,
    Optional<String> username,
    Optional<String> password,
    Optional<String> apiKey,
    String indexPrefix,
    int queueCapacity,
    int batchSize,
    long flushIntervalMs,
    long shutdownTimeoutMs) {

  public static final long CONNECT_TIMEOUT_MS = 2_000;
  public static final long REQUEST_TIMEOUT_MS = 10_000;
  public static final long MAX_BACKOFF_MS = 30_000;
  public static final long MIN_BACKOFF_MS = 250;
  /** A bulk body never grows past this; the rest of the batch goes in the next request. */
  public static final int MAX_BULK_BYTES = 5 * 1024 * 1024;
  /** A document the engine refused with a retryable status (429, 503) is tried this many times. */
  public static final int MAX_ITEM_ATTEMPTS = 3;

  public String authorization() {
    if (apiKey.isPresent()) {
      return "ApiKey " + apiKey.get();
    }
    if (username.isPresent()) {
      String pair = username.get() + ":" + password.orElse("");
      return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return null;
  }

  /** The base URL without a trailing slash. */
  public String base() {
    String text = url.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
