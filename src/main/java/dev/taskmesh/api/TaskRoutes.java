package dev.taskmesh.api;

import dev.taskmesh.auth.Caller;
import dev.taskmesh.task.Task;
import dev.taskmesh.task.TaskHandlers;
import dev.taskmesh.task.TaskService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/** Task definitions and the task-type catalogue. A task someone else owns is "not found" unless the caller is an admin. */
final class TaskRoutes {

  private final TaskService tasks;
  private final JsonObject typesBody;

  TaskRoutes(TaskService tasks, TaskHandlers handlers) {
    this.tasks = tasks;
    JsonArray types = new JsonArray();
    handlers.all().forEach(h -> types.add(new JsonObject()
        .put("type", h.type()).put("description", h.description()).put("inputSchema", h.inputSchema())));
    this.typesBody = new JsonObject().put("items", types);
  }

  void register(Map<String, Handler<RoutingContext>> operations) {
    operations.put("listTaskTypes", ctx -> Requests.json(ctx, 200, typesBody));
    operations.put("listTasks", this::list);
    operations.put("createTask", this::create);
    operations.put("getTask", this::get);
    operations.put("updateTask", this::update);
    operations.put("deleteTask", this::delete);
  }

  /** The task if the caller may see it, else a 404 refusal (no hint whether it exists). */
  static Future<Task> visible(TaskService tasks, String id, Caller caller) {
    return tasks.find(id).compose(found -> found.filter(task -> caller.canSee(task.owner())).map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(dev.taskmesh.run.RunService.notFound("task", id))));
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    int page = Requests.intQuery(ctx, "page", 1);
    int size = Requests.intQuery(ctx, "size", Requests.DEFAULT_SIZE);
    String owner = caller.isAdmin() ? Requests.query(ctx, "owner") : caller.id();
    TaskService.Query query = new TaskService.Query(owner, Requests.query(ctx, "q"), Requests.query(ctx, "type"),
        Task.Priority.parse(Requests.query(ctx, "priority")).orElse(null), Optional.ofNullable(Requests.query(ctx, "sort")).orElse("created"),
        Requests.ascending(ctx), page, size);
    tasks.list(query)
        .onSuccess(result -> Requests.json(ctx, 200, Requests.page(result.items().stream().map(Task::toJson).toList(), page, size, result.total())))
        .onFailure(ctx::fail);
  }

  private static boolean requireWriter(RoutingContext ctx, Caller caller) {
    if (!caller.role().canWrite()) {
      Problem.send(ctx, 403, "Role " + caller.role().label() + " may read tasks but not change them.");
      return false;
    }
    return true;
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (!requireWriter(ctx, caller)) {
      return;
    }
    JsonObject body = Requests.body(ctx);
    tasks.create(caller.id(), body.getString("title"), body.getString("description"), body.getString("type"),
            body.getJsonObject("input"), Task.Priority.parse(body.getString("priority")).orElse(null))
        .onSuccess(task -> Requests.created(ctx, 201, "/api/tasks/" + task.id(), task.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    visible(tasks, ctx.pathParam("id"), Caller.of(ctx)).onSuccess(task -> Requests.json(ctx, 200, task.toJson())).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    JsonObject body = Requests.body(ctx);
    visible(tasks, id, caller).compose(task -> {
      if (!caller.role().canWrite()) {
        return Future.failedFuture(new dev.taskmesh.run.RunService.RunRefusedException(403, "Role " + caller.role().label() + " may read tasks but not change them."));
      }
      return tasks.update(task, body.getString("title"), body.getString("description"), body.getString("type"),
          body.getJsonObject("input"), Task.Priority.parse(body.getString("priority")).orElse(null));
    }).onSuccess(updated -> updated.ifPresentOrElse(
        task -> Requests.json(ctx, 200, task.toJson()),
        () -> Problem.send(ctx, 404, "No task with id " + id + ".")))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    visible(tasks, id, caller).compose(task -> caller.role().canWrite()
            ? tasks.delete(id)
            : Future.<Boolean>failedFuture(new dev.taskmesh.run.RunService.RunRefusedException(403, "Role " + caller.role().label() + " may read tasks but not delete them.")))
        .onSuccess(deleted -> Requests.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
