package dev.taskmesh.api;

import dev.taskmesh.deadletter.DeadLetterService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Admin endpoints for dead letters. ADMIN ONLY: the gateway must put its admin authorization in
 * front of these routes (and describe them in its OpenAPI contract) when it mounts them.
 *
 * <ul>
 *   <li>{@code GET /api/admin/dead-letters?page=0&size=50}: newest first, {@code {items, page, size, total}}</li>
 *   <li>{@code POST /api/admin/dead-letters/{id}/replay}: 202 replayed, 404 unknown, 409 not replayable</li>
 *   <li>{@code POST /api/admin/dead-letters/replay}: replays every letter not replayed yet, {@code {replayed: n}}</li>
 * </ul>
 */
public final class DeadLetterRoutes {

  private final DeadLetterService letters;

  public DeadLetterRoutes(DeadLetterService letters) {
    this.letters = letters;
  }

  public void mount(Router router) {
    router.get("/api/admin/dead-letters").handler(this::list);
    router.post("/api/admin/dead-letters/replay").handler(this::replayAll);
    router.post("/api/admin/dead-letters/:id/replay").handler(this::replay);
  }

  /** The gateway's way in: the three operations of the contract, each refused with 403 to anyone but an admin. */
  void register(java.util.Map<String, io.vertx.core.Handler<RoutingContext>> operations) {
    operations.put("listDeadLetters", adminOnly(this::list));
    operations.put("replayAllDeadLetters", adminOnly(this::replayAll));
    operations.put("replayDeadLetter", adminOnly(this::replay));
  }

  private static io.vertx.core.Handler<RoutingContext> adminOnly(io.vertx.core.Handler<RoutingContext> handler) {
    return ctx -> {
      dev.taskmesh.auth.Caller caller = dev.taskmesh.auth.Caller.of(ctx);
      if (caller == null || !caller.isAdmin()) {
        Problem.send(ctx, 403, "Only an admin may do this.");
        return;
      }
      handler.handle(ctx);
    };
  }

  private void list(RoutingContext ctx) {
    Integer page = intParam(ctx, "page", 0, 0, 1_000_000);
    Integer size = intParam(ctx, "size", 50, 1, DeadLetterService.MAX_PAGE_SIZE);
    if (page == null || size == null) {
      return;
    }
    letters.list(page, size).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void replay(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    letters.replay(id).onSuccess(outcome -> {
      switch (outcome) {
        case REPLAYED -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("id", id).put("replayed", true).encode());
        case NOT_FOUND -> Problem.send(ctx, 404, "No dead letter with id " + id + ".");
        default -> Problem.send(ctx, 409, "Dead letter " + id + " cannot be replayed: its run is no longer DEAD (already replayed?) and it carries no payload.");
      }
    }).onFailure(ctx::fail);
  }

  private void replayAll(RoutingContext ctx) {
    letters.replayAll().onSuccess(count -> ctx.json(new JsonObject().put("replayed", count))).onFailure(ctx::fail);
  }

  private static Integer intParam(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    Problem.send(ctx, 400, "Query parameter '" + name + "' must be a whole number between " + min + " and " + max + ".");
    return null;
  }
}
