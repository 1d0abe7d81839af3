package dev.taskmesh.api;

import dev.taskmesh.auth.AccountService;
import dev.taskmesh.infra.MongoErrors;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into a problem response; unexpected ones are logged, and the client sees no detail. */
public final class ErrorHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);
  private static final long STORE_RETRY_AFTER_SECONDS = 2;
  private static final java.util.regex.Pattern PARAMETER = java.util.regex.Pattern.compile("(?:path|query|header|cookie) parameter (\\S+)");

  private ErrorHandlers() {}

  public static void install(Router router) {
    router.route().failureHandler(ErrorHandlers::handle);
    router.errorHandler(404, ctx -> Problem.send(ctx, 404, "No resource at " + ctx.request().path() + "; see /openapi.yaml."));
    router.errorHandler(405, ctx -> Problem.send(ctx, 405, ctx.request().method() + " is not allowed on " + ctx.request().path()));
  }

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      if (http.getCause() instanceof ValidatorException invalid) {
        Problem.send(ctx, 400, invalid.getMessage(), fieldErrors(invalid));
        return;
      }
      if (status == 401) {
        unauthorized(ctx);
        return;
      }
      Problem.send(ctx, status, status >= 500 ? "The server failed to handle this request." : detail(http, status));
      return;
    }
    java.util.Optional<String> storeRefusal = MongoErrors.shortOfMemory(failure);
    if (failure instanceof ValidatorException invalid) {
      Problem.send(ctx, 400, invalid.getMessage(), fieldErrors(invalid));
    } else if (failure instanceof RunService.RunRefusedException refused) {
      Problem.send(ctx, refused.status(), refused.getMessage());
    } else if (failure instanceof RunService.RejectedRunException rejected) {
      Problem.send(ctx, 400, rejected.getMessage());
    } else if (failure instanceof AccountService.AccountException refused) {
      Problem.send(ctx, refused.status(), refused.getMessage());
    } else if (failure instanceof TaskService.InvalidTaskException invalid) {
      Problem.send(ctx, 400, invalid.getMessage(), invalid.errors());
    } else if (storeRefusal.isPresent()) {
      storeShortOfMemory(ctx, storeRefusal.get());
    } else if (MongoErrors.storeUnavailable(failure)) {
      storeUnavailable(ctx, failure);
    } else if (status == 401) {
      unauthorized(ctx);
    } else if (status >= 400 && status < 500) {
      Problem.send(ctx, status, defaultDetail(status));
    } else {
      LOG.error("Unhandled failure on {} {} (request {})", ctx.request().method(), ctx.request().path(), ctx.<String>get(HttpBasics.REQUEST_ID), failure);
      Problem.send(ctx, 500, "The server failed to handle this request; it has been logged with request id " + ctx.get(HttpBasics.REQUEST_ID) + ".");
    }
  }

  /** A passing outage, not a bug: one line in the log, and a 503 the client can act on. */
  private static void storeUnavailable(RoutingContext ctx, Throwable failure) {
    LOG.warn("Store unavailable on {} {} (request {}): {}", ctx.request().method(), ctx.request().path(), ctx.<String>get(HttpBasics.REQUEST_ID),
        failure.getMessage());
    Requests.unavailable(ctx, STORE_RETRY_AFTER_SECONDS, "The store did not answer in time; send the request again in a moment. If it made something (a launch, a task), "
        + "it may have been made already: a launch sent again with the same Idempotency-Key is made once.");
  }

  /** The embedded store's own memory guard refused the run (an infra-only process): as the gateway's guard would. */
  private static void storeShortOfMemory(RoutingContext ctx, String reason) {
    LOG.warn("Launch refused by the store on {} {} (request {}): {}", ctx.request().method(), ctx.request().path(),
        ctx.<String>get(HttpBasics.REQUEST_ID), reason);
    Requests.unavailable(ctx, Requests.SHORT_OF_MEMORY_RETRY_AFTER_SECONDS, reason);
  }

  private static void unauthorized(RoutingContext ctx) {
    if (LOG.isDebugEnabled()) {
      Throwable cause = ctx.failure() != null && ctx.failure().getCause() != null ? ctx.failure().getCause() : ctx.failure();
      LOG.debug("Authentication refused on {} (request {}): {}", ctx.request().path(), ctx.<String>get(HttpBasics.REQUEST_ID), cause == null ? "no token" : cause.getMessage());
    }
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    Problem.send(ctx, 401, "A valid bearer token is required: Authorization: Bearer <token from POST /api/auth/login>. "
        + "It is missing, malformed, expired, not yet valid, or not issued for this API.");
  }

  private static String detail(HttpException http, int status) {
    String payload = http.getPayload();
    return payload != null && !payload.isBlank() ? payload : defaultDetail(status);
  }

  private static List<JsonObject> fieldErrors(ValidatorException invalid) {
    List<JsonObject> errors = new ArrayList<>();
    java.util.regex.Matcher parameter = PARAMETER.matcher(String.valueOf(invalid.getMessage()));
    String prefix = parameter.find() ? parameter.group(1) : null;
    if (invalid instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      collect(schema.getOutputUnit(), errors);
    }
    if (prefix != null) {
      errors.replaceAll(e -> e.put("field", prefix));
      if (errors.isEmpty()) {
        errors.add(new JsonObject().put("field", prefix).put("message", invalid.getMessage()));
      }
    }
    return errors;
  }

  private static void collect(OutputUnit unit, List<JsonObject> out) {
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      unit.getErrors().forEach(e -> collect(e, out));
    } else if (unit.getError() != null && out.size() < 20) {
      String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
      String field = location.replaceFirst("^#?/?", "").replace('/', '.');
      out.add(new JsonObject().put("field", field.isEmpty() ? "(body)" : field).put("message", unit.getError()));
    }
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 400 -> "The request is malformed.";
      case 403 -> "Your role does not allow this.";
      case 404 -> "Not found.";
      case 413 -> "The request body is larger than the server accepts.";
      case 415 -> "Send the body as application/json.";
      default -> Problem.title(status);
    };
  }
}
