package dev.taskmesh.api;

import dev.taskmesh.auth.Caller;
import dev.taskmesh.observability.HeapGuard;
import dev.taskmesh.observability.Traceparent;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunQuery;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskService;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Launching, reading, cancelling and retrying runs. A run is visible to whoever launched it, and to admins. */
final class RunRoutes {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunRoutes.class);

  private final RunService runs;
  private final TaskService tasks;
  private final HeapGuard heap;

  RunRoutes(RunService runs, TaskService tasks, HeapGuard heap) {
    this.runs = runs;
    this.tasks = tasks;
    this.heap = heap;
  }

  void register(Map<String, Handler<RoutingContext>> operations) {
    operations.put("launchTask", admitted(this::launch));
    operations.put("launchTaskAlias", admitted(this::launch));
    operations.put("launchTaskBatch", admitted(this::launchBatch));
    operations.put("listTaskRuns", this::listOfTask);
    operations.put("listRuns", this::list);
    operations.put("listHistories", this::list);
    operations.put("getRun", this::get);
    operations.put("cancelRun", this::cancel);
    operations.put("retryRun", admitted(this::retry));
  }

  /**
   * A route that makes new work, refused with 503 while the heap is nearly full ({@link HeapGuard}):
   * reads, cancels and the runs already accepted go on.
   */
  private Handler<RoutingContext> admitted(Handler<RoutingContext> launching) {
    return ctx -> {
      if (heap.admits()) {
        launching.handle(ctx);
        return;
      }
      heap.refused();
      Requests.unavailable(ctx, Requests.SHORT_OF_MEMORY_RETRY_AFTER_SECONDS, heap.refusal());
    };
  }

  private void launch(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    String traceId = Traceparent.fromHeaderOrNew(ctx.request().getHeader("traceparent")).traceId();
    TaskRoutes.visible(tasks, ctx.pathParam("id"), caller)
        .compose(task -> runs.launch(task, caller, key, traceId))
        .onSuccess(launched -> {
          if (launched.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          Requests.created(ctx, 202, "/api/runs/" + launched.run().id(), launched.run().toJson());
        })
        .onFailure(ctx::fail);
  }

  /**
   * Many runs of one task in one request: one bulk insert instead of one request and insert per
   * run. No Idempotency-Key: a retried batch would need every run of the first one back.
   */
  private void launchBatch(RoutingContext ctx) {
    if (ctx.request().getHeader("Idempotency-Key") != null) {
      Problem.send(ctx, 400, "Idempotency-Key is not supported on batch launches; launch runs one by one to use it.");
      return;
    }
    Caller caller = Caller.of(ctx);
    int count = Requests.body(ctx).getInteger("count");
    String traceId = Traceparent.fromHeaderOrNew(ctx.request().getHeader("traceparent")).traceId();
    TaskRoutes.visible(tasks, ctx.pathParam("id"), caller)
        .compose(task -> runs.launchBatch(task, caller, count, traceId))
        .onSuccess(batch -> {
          JsonObject body = new JsonObject()
              .put("taskId", ctx.pathParam("id"))
              .put("accepted", batch.accepted().size())
              .put("failed", batch.failed())
              .put("runIds", new JsonArray(batch.accepted().stream().map(Run::id).toList()));
          if (batch.failed() > 0) {
            LOG.warn("Batch launch on task {} (request {}): {} of {} runs not stored", ctx.pathParam("id"),
                ctx.<String>get(HttpBasics.REQUEST_ID), batch.failed(), count, batch.firstFailure());
            body.put("detail", batch.failed() + " of " + count + " runs were not accepted (the store failed to write them); launch that many again.");
          }
          Requests.created(ctx, 202, "/api/tasks/" + ctx.pathParam("id") + "/runs", body);
        })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    runs.find(id, Caller.of(ctx)).onSuccess(found -> {
      if (found.isPresent()) {
        Requests.json(ctx, 200, found.get().toJson());
      } else {
        Problem.send(ctx, 404, "No run with id " + id + ".");
      }
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    page(ctx, caller, Requests.query(ctx, "taskId"));
  }

  private void listOfTask(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    TaskRoutes.visible(tasks, ctx.pathParam("id"), caller).onSuccess(task -> page(ctx, caller, task.id())).onFailure(ctx::fail);
  }

  /**
   * A page of runs, by number ({@code page}) or after a cursor ({@code after}, the previous page's
   * {@code next}). A full page carries {@code next}, the id to ask for the page after it.
   */
  private void page(RoutingContext ctx, Caller caller, String taskId) {
    int page = Requests.intQuery(ctx, "page", 1);
    int size = Requests.intQuery(ctx, "size", Requests.DEFAULT_SIZE);
    String after = Requests.query(ctx, "after");
    String launchedBy = caller.isAdmin() ? Requests.query(ctx, "launchedBy") : caller.id();
    RunQuery query = new RunQuery(Requests.query(ctx, "status"), taskId, launchedBy,
        Requests.instantQuery(ctx, "from"), Requests.instantQuery(ctx, "to"),
        Optional.ofNullable(Requests.query(ctx, "sort")).orElse("created"), Requests.ascending(ctx),
        after == null ? (page - 1) * size : 0, size, after);
    if (after != null && Requests.query(ctx, "page") != null) {
      Problem.send(ctx, 400, "Use either page or after, not both: after continues from the run it names.");
      return;
    }
    if (after != null && !query.pagesById()) {
      Problem.send(ctx, 400, "after pages runs in creation order only; leave out sort or use sort=created.");
      return;
    }
    runs.list(query).onSuccess(result -> {
      List<JsonObject> items = result.items().stream().map(Run::toJson).toList();
      JsonObject body = Requests.page(items, page, size, result.total());
      if (after != null) {
        body.remove("page"); // a cursor's page has no number
      }
      if (query.pagesById() && items.size() == size) {
        body.put("next", items.get(items.size() - 1).getString("id"));
      }
      Requests.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    runs.cancel(ctx.pathParam("id"), Caller.of(ctx)).onSuccess(run -> Requests.json(ctx, 200, run.toJson())).onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    runs.retry(ctx.pathParam("id"), Caller.of(ctx))
        .onSuccess(run -> Requests.created(ctx, 202, "/api/runs/" + run.id(), run.toJson()))
        .onFailure(ctx::fail);
  }
}
