package dev.taskmesh.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into a problem response; unexpected ones are logged, and the client sees no detail. */
public final class ErrorHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

  private ErrorHandlers() {}

  public static void install(Router router) {
    router.route().failureHandler(ErrorHandlers::handle);
    router.errorHandler(404, ctx -> Problem.send(ctx, 404, "No resource at " + ctx.request().path()));
    router.errorHandler(405, ctx -> Problem.send(ctx, 405, ctx.request().method() + " is not allowed on " + ctx.request().path()));
  }

  private static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      Problem.send(ctx, status, http.getPayload() != null ? http.getPayload() : Problem.title(status));
      return;
    }
    if (failure == null && status >= 400 && status < 500) {
      Problem.send(ctx, status, defaultDetail(status));
      return;
    }
    LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    Problem.send(ctx, 500, "The server failed to handle this request; it has been logged.");
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 413 -> "The request body is larger than the server accepts.";
      case 415 -> "Send the body as application/json.";
      default -> Problem.title(status);
    };
  }
}
