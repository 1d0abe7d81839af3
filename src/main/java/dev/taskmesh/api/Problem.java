package dev.taskmesh.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;

/** RFC 9457 problem details: every error a client sees has this shape, and never a stack trace. */
public final class Problem {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problem() {}

  /** A failure the client can fix: {@code ctx.fail(Problem.of(400, "..."))}. */
  public static HttpException of(int status, String detail) {
    return new HttpException(status, detail);
  }

  public static Future<Void> send(RoutingContext ctx, int status, String detail) {
    return send(ctx, status, detail, null);
  }

  public static Future<Void> send(RoutingContext ctx, int status, String detail, List<JsonObject> errors) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject()
        .put("type", "about:blank")
        .put("title", title(status))
        .put("status", status)
        .put("detail", detail)
        .put("instance", ctx.request().path());
    Object requestId = ctx.get(HttpBasics.REQUEST_ID);
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    if (errors != null && !errors.isEmpty()) {
      body.put("errors", new JsonArray(List.copyOf(errors)));
    }
    return response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
