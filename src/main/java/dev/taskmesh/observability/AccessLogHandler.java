package dev.taskmesh.observability;

import dev.taskmesh.observability.logging.LogFields;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of the router ({@code router.route().handler(new AccessLogHandler())}). Starts the
 * request's trace: the client's W3C {@code traceparent} when valid, otherwise a new one, put on the
 * request (so later handlers read one trace from {@link #traceparent} or the header itself), on the
 * response ({@code traceparent} header) and in the log context of everything the request causes.
 * When the response ends it writes one access log line: method, route template, status, duration,
 * bytes, user.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {

  /** Logger of the access log lines (filter on it in Kibana: {@code log.logger : "taskmesh.access"}). */
  public static final String LOGGER = "taskmesh.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final String TRACEPARENT = "traceparent";
  private static final String KEY = AccessLogHandler.class.getName() + ".trace";

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    HttpServerRequest request = ctx.request();
    Traceparent trace = Traceparent.parse(request.getHeader(TRACEPARENT)).map(Traceparent::child)
        .orElseGet(() -> Traceparent.fromHeaderOrNew(null));
    request.headers().set(TRACEPARENT, trace.header());
    ctx.put(KEY, trace);
    LogContext.put(LogFields.TRACE_ID, trace.traceId());
    LogContext.put(LogFields.SPAN_ID, trace.spanId());
    ctx.response().putHeader(TRACEPARENT, trace.header());
    io.vertx.ext.web.Router router = ctx instanceof io.vertx.ext.web.impl.RoutingContextInternal internal ? internal.currentRouter() : null;
    ctx.addEndHandler(done -> log(ctx, router, started, trace));
    ctx.next();
  }

  /** The request's trace, as started by this handler (null when the handler is not installed). */
  public static Traceparent traceparent(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  private static void log(RoutingContext ctx, io.vertx.ext.web.Router router, long started, Traceparent trace) {
    long micros = (System.nanoTime() - started) / 1_000;
    int status = ctx.response().getStatusCode();
    String user = userId(ctx.user());
    Map<String, String> fields = user == null ? LogContext.run(LogContext.get(LogFields.RUN_ID), trace.traceId())
        : Map.of(LogFields.TRACE_ID, trace.traceId(), LogFields.USER_ID, user);
    try (LogContext.Scope scope = LogContext.scope(withoutNulls(fields))) {
      LOG.info("{} {} {} {} ms {} bytes", ctx.request().method().name(), route(ctx, router), status, micros / 1000.0,
          ctx.response().bytesWritten(),
          net.logstash.logback.argument.StructuredArguments.keyValue("http.request.method", ctx.request().method().name()),
          net.logstash.logback.argument.StructuredArguments.keyValue("http.route", route(ctx, router)),
          net.logstash.logback.argument.StructuredArguments.keyValue("http.response.status_code", status),
          net.logstash.logback.argument.StructuredArguments.keyValue("event.duration", micros * 1_000),
          net.logstash.logback.argument.StructuredArguments.keyValue("http.response.body.bytes", ctx.response().bytesWritten()),
          net.logstash.logback.argument.StructuredArguments.keyValue("url.path", ctx.request().path()));
    }
  }

  /**
   * The route template ({@code /api/runs/:id}), never the raw path, so lines group by endpoint (and
   * ids do not flood the index). A failure handler has no path, so the router's routes are matched
   * against the request then.
   */
  static String route(RoutingContext ctx, io.vertx.ext.web.Router router) {
    Route current = ctx.currentRoute();
    if (current != null && current.getPath() != null) {
      return current.getPath();
    }
    String path = ctx.normalizedPath();
    if (router != null) {
      for (Route candidate : router.getRoutes()) {
        String template = candidate.getPath();
        if (template == null) {
          continue;
        }
        if ((candidate.methods() == null || candidate.methods().isEmpty() || candidate.methods().contains(ctx.request().method()))
            && templateMatches(template, path)) {
          return template;
        }
      }
    }
    return "unmatched";
  }

  static boolean templateMatches(String template, String path) {
    String[] want = template.split("/", -1);
    String[] got = path.split("/", -1);
    boolean wildcard = template.endsWith("*");
    if (!wildcard && want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (wildcard && i == want.length - 1) {
        return got.length >= want.length - 1 && (got.length < want.length || got[i].startsWith(want[i].substring(0, want[i].length() - 1)));
      }
      if (i >= got.length || !(want[i].startsWith(":") ? !got[i].isEmpty() : want[i].equals(got[i]))) {
        return false;
      }
    }
    return true;
  }

  private static String userId(User user) {
    if (user == null) {
      return null;
    }
    String subject = user.subject();
    if (subject != null) {
      return subject;
    }
    Object sub = user.principal().getValue("sub");
    return sub == null ? user.principal().getString("username") : String.valueOf(sub);
  }

  private static Map<String, String> withoutNulls(Map<String, String> fields) {
    Map<String, String> copy = new java.util.HashMap<>(fields);
    copy.values().removeIf(java.util.Objects::isNull);
    return copy;
  }
}
