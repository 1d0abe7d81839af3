package dev.taskmesh.api;

import dev.taskmesh.observability.Traceparent;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Launching runs and reading them. */
public final class RunRoutes {

  private final RunService runs;
  private final TaskHandlers handlers;

  public RunRoutes(RunService runs, TaskHandlers handlers) {
    this.runs = runs;
    this.handlers = handlers;
  }

  public void mount(Router router) {
    router.post("/api/runs").consumes("application/json").handler(this::launch);
    router.get("/api/runs/:id").handler(this::get);
    router.get("/api/task-types").handler(this::taskTypes);
  }

  private void launch(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      ctx.fail(Problem.of(400, "The body is not valid JSON."));
      return;
    }
    if (body == null || !(body.getValue("type") instanceof String type) || type.isBlank()) {
      ctx.fail(Problem.of(400, "Field 'type' is required: one of " + typeNames() + "."));
      return;
    }
    Object input = body.getValue("input", new JsonObject());
    if (!(input instanceof JsonObject inputObject)) {
      ctx.fail(Problem.of(400, "Field 'input' must be a JSON object."));
      return;
    }
    Traceparent trace = Traceparent.fromHeaderOrNew(ctx.request().getHeader("traceparent"));
    runs.launch(null, type, inputObject, "anonymous", trace.traceId())
        .onSuccess(run -> ctx.response()
            .setStatusCode(202)
            .putHeader("Location", "/api/runs/" + run.id())
            .putHeader("Content-Type", "application/json")
            .end(run.toJson().encode()))
        .onFailure(e -> ctx.fail(e instanceof RunService.RejectedRunException ? Problem.of(400, e.getMessage() + "; one of " + typeNames()) : e));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    runs.find(id)
        .onSuccess(found -> found.map(Run::toJson).ifPresentOrElse(
            ctx::json,
            () -> ctx.fail(Problem.of(404, "No run with id " + id + "."))))
        .onFailure(ctx::fail);
  }

  private void taskTypes(RoutingContext ctx) {
    JsonArray types = new JsonArray();
    handlers.all().forEach(h -> types.add(new JsonObject()
        .put("type", h.type()).put("description", h.description()).put("inputSchema", h.inputSchema())));
    ctx.json(new JsonObject().put("items", types));
  }

  private String typeNames() {
    return String.join(", ", handlers.all().stream().map(h -> h.type()).toList());
  }
}
