package dev.taskmesh.api;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What every response gets before any route: a request id (the caller's if well-formed, else a new
 * one; echoed and put in error logs), security headers, CORS only when origins are configured, a
 * 415 for a body that is not JSON, and the body size limit (413).
 */
public final class HttpBasics {

  public static final String REQUEST_ID = "requestId";
  static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence API_CSP = HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
  private static final CharSequence DOCS_CSP = HttpHeaders.createOptimized(
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'");
  private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence X_FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence CSP = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence CORP = HttpHeaders.createOptimized("Cross-Origin-Resource-Policy");
  private static final CharSequence SAME_ORIGIN = HttpHeaders.createOptimized("same-origin");

  private HttpBasics() {}

  /** Request id and security headers. */
  public static Handler<RoutingContext> headers() {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      String id = request.getHeader(X_REQUEST_ID);
      if (id == null || !VALID_ID.matcher(id).matches()) {
        id = newId();
      }
      ctx.put(REQUEST_ID, id);
      MultiMap headers = ctx.response().headers();
      headers.set(X_REQUEST_ID, id)
          .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF)
          .set(X_FRAME_OPTIONS, DENY)
          .set(REFERRER_POLICY, NO_REFERRER)
          .set(CORP, SAME_ORIGIN)
          .set(CSP, request.path().startsWith("/docs") ? DOCS_CSP : API_CSP);
      if (request.path().startsWith("/api")) {
        headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
      }
      ctx.next();
    };
  }

  /** 415 for a request body that is not JSON; then the size-limited body handler for methods with a body. */
  public static Handler<RoutingContext> body(long limitBytes) {
    BodyHandler bodyHandler = BodyHandler.create(false).setBodyLimit(limitBytes);
    return ctx -> {
      HttpMethod method = ctx.request().method();
      if (method != HttpMethod.POST && method != HttpMethod.PATCH && method != HttpMethod.PUT) {
        ctx.next();
        return;
      }
      if (hasBody(ctx.request()) && !isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
        ctx.fail(Problem.of(415, "Send the body as application/json (Content-Type: application/json)."));
        return;
      }
      bodyHandler.handle(ctx);
    };
  }

  public static CorsHandler cors(List<String> origins) {
    return CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE))
        .allowedHeaders(java.util.Set.of("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"))
        .exposedHeaders(java.util.Set.of("Location", "X-Request-Id", "Retry-After"))
        .maxAgeSeconds(600);
  }

  static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.trim().equals("0");
    }
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
  }

  static String newId() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
