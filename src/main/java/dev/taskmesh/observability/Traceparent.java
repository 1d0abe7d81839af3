package dev.taskmesh.observability;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** W3C trace context ({@code traceparent: 00-<trace-id>-<parent-id>-<flags>}). */
public record Traceparent(String traceId, String spanId, String flags) {

  private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String INVALID_TRACE = "0".repeat(32);
  private static final String INVALID_SPAN = "0".repeat(16);

  /** The caller's trace context when valid, otherwise a new trace. */
  public static Traceparent fromHeaderOrNew(String header) {
    if (header != null) {
      var matcher = FORMAT.matcher(header.trim());
      if (matcher.matches() && !matcher.group(1).equals(INVALID_TRACE) && !matcher.group(2).equals(INVALID_SPAN)) {
        return new Traceparent(matcher.group(1), newSpanId(), matcher.group(3));
      }
    }
    return new Traceparent(randomHex(16), newSpanId(), "01");
  }

  /** The header as sent, when valid (trace and span kept as they are). */
  public static java.util.Optional<Traceparent> parse(String header) {
    if (header != null) {
      var matcher = FORMAT.matcher(header.trim());
      if (matcher.matches() && !matcher.group(1).equals(INVALID_TRACE) && !matcher.group(2).equals(INVALID_SPAN)) {
        return java.util.Optional.of(new Traceparent(matcher.group(1), matcher.group(2), matcher.group(3)));
      }
    }
    return java.util.Optional.empty();
  }

  /** A new span of the same trace (this span becomes the parent). */
  public Traceparent child() {
    return new Traceparent(traceId, newSpanId(), flags);
  }

  /** A new span of the given trace, e.g. for a message published on behalf of a stored run. */
  public static Traceparent childOf(String traceId) {
    return new Traceparent(traceId, newSpanId(), "01");
  }

  public String header() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  private static String newSpanId() {
    return randomHex(8);
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
