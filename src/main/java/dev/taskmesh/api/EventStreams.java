package dev.taskmesh.api;

import dev.taskmesh.auth.Caller;
import dev.taskmesh.infra.ReadOnlyJsonCodec;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunService;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.updater.RunEventWriter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live status as server-sent events, fed by the event-bus publications on {@code runs.status}
 * (every applied change, cancels and launches included). One consumer per API verticle; all state
 * lives on that verticle's event loop. A caller sees only the runs they launched (admins: all);
 * the launcher of a run is taken from the event, or looked up once and cached. A client that
 * cannot keep up is disconnected rather than buffered without bound. Every change also goes to
 * {@code everyChange} (the API's outbox relay), so the verticle subscribes to the notices once.
 */
final class EventStreams {

  private static final long HEARTBEAT_MS = 15_000;
  private static final int OWNER_CACHE = 10_000;

  private final Vertx vertx;
  private final RunService runs;
  private final RunRepository repository;
  private final int maxPerCaller;
  private final Map<String, List<Stream>> byRun = new HashMap<>();
  private final List<Stream> global = new ArrayList<>();
  private final Map<String, Integer> openByCaller = new HashMap<>();
  private final Map<String, Future<String>> owners = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<String>> eldest) {
      return size() > OWNER_CACHE;
    }
  };
  private final Handler<JsonObject> everyChange;
  private MessageConsumer<JsonObject> consumer;
  private long heartbeat = -1;

  private static final class Stream {
    final Caller caller;
    final HttpServerResponse response;
    final String runId;
    boolean counted = true;

    Stream(Caller caller, HttpServerResponse response, String runId) {
      this.caller = caller;
      this.response = response;
      this.runId = runId;
    }

    Caller caller() {
      return caller;
    }

    HttpServerResponse response() {
      return response;
    }

    String runId() {
      return runId;
    }
  }

  EventStreams(Vertx vertx, RunService runs, RunRepository repository, int maxPerCaller, Handler<JsonObject> everyChange) {
    this.vertx = vertx;
    this.runs = runs;
    this.repository = repository;
    this.maxPerCaller = maxPerCaller;
    this.everyChange = everyChange;
  }

  void start() {
    ReadOnlyJsonCodec.register(vertx.eventBus()); // a clustered notice is decoded with the codec it names
    consumer = vertx.eventBus().consumer(RunEventWriter.STATUS_ADDRESS, this::dispatch);
    heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> {
      forEachStream(stream -> write(stream, ": keep-alive\n\n"));
    });
  }

  Future<Void> stop() {
    if (heartbeat >= 0) {
      vertx.cancelTimer(heartbeat);
    }
    forEachStream(stream -> stream.response().end());
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void register(Map<String, Handler<RoutingContext>> operations) {
    operations.put("streamRunEvents", this::streamRun);
    operations.put("streamEvents", this::streamAll);
  }

  private void streamRun(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    runs.find(id, caller).onSuccess(found -> {
      if (found.isEmpty()) {
        Problem.send(ctx, 404, "No run with id " + id + ".");
        return;
      }
      if (!admit(ctx, caller)) {
        return;
      }
      Run run = found.get();
      Stream stream = open(ctx, caller, id);
      write(stream, event(new RunEvent(run.id(), run.attempt(), run.status(), java.time.Instant.now(), run.startedAt(), run.result(), run.error())
          .toJson().put("launchedBy", run.launchedBy())));
      if (run.status().terminal()) {
        close(stream);
      } else {
        byRun.computeIfAbsent(id, k -> new ArrayList<>()).add(stream);
      }
    }).onFailure(ctx::fail);
  }

  private void streamAll(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (!admit(ctx, caller)) {
      return;
    }
    Stream stream = open(ctx, caller, null);
    global.add(stream);
  }

  private boolean admit(RoutingContext ctx, Caller caller) {
    if (openByCaller.getOrDefault(caller.id(), 0) >= maxPerCaller) {
      Requests.tooMany(ctx, 5, "At most " + maxPerCaller + " open event streams per caller; close one first.");
      return false;
    }
    return true;
  }

  private Stream open(RoutingContext ctx, Caller caller, String runId) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    Stream stream = new Stream(caller, response, runId);
    openByCaller.merge(caller.id(), 1, Integer::sum);
    response.closeHandler(v -> forget(stream));
    response.exceptionHandler(e -> forget(stream));
    response.write("retry: 3000\n\n");
    return stream;
  }

  private void dispatch(Message<JsonObject> message) {
    JsonObject change = message.body();
    if (change == null) {
      return;
    }
    everyChange.handle(change);
    String runId = change.getString("runId");
    if (runId == null) {
      return;
    }
    List<Stream> watchers = byRun.get(runId);
    if (watchers == null && global.isEmpty()) {
      return; // nobody listens: most changes, so do not even encode them
    }
    String payload = event(change);
    boolean terminal = isTerminal(change.getString("status"));
    if (watchers != null) {
      for (Stream stream : List.copyOf(watchers)) {
        write(stream, payload);
        if (terminal) {
          close(stream);
        }
      }
    }
    if (global.isEmpty()) {
      return;
    }
    String launchedBy = change.getString("launchedBy");
    if (launchedBy != null) {
      owners.put(runId, Future.succeededFuture(launchedBy));
      deliverGlobal(launchedBy, payload);
      return;
    }
    boolean onlyAdmins = global.stream().allMatch(s -> s.caller().isAdmin());
    if (onlyAdmins) {
      deliverGlobal(null, payload);
      return;
    }
    // Callbacks on one future run in order, so one run's events keep their order while its owner is looked up.
    owners.computeIfAbsent(runId, id -> repository.findLauncher(id).map(o -> o.orElse("")))
        .onSuccess(owner -> deliverGlobal(owner, payload));
  }

  private void deliverGlobal(String owner, String payload) {
    for (Stream stream : List.copyOf(global)) {
      if (stream.caller().isAdmin() || stream.caller().id().equals(owner)) {
        write(stream, payload);
      }
    }
  }

  private static boolean isTerminal(String status) {
    try {
      return status != null && RunStatus.valueOf(status).terminal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String event(JsonObject change) {
    return "event: status\nid: " + change.getString("runId") + ":" + change.getValue("attempt") + ":" + change.getString("status")
        + "\ndata: " + change.encode() + "\n\n";
  }

  private void write(Stream stream, String text) {
    HttpServerResponse response = stream.response();
    if (response.ended() || response.closed()) {
      forget(stream);
      return;
    }
    if (response.writeQueueFull()) {
      // A reader this slow would make us buffer without bound: drop it, it can reconnect.
      close(stream);
      return;
    }
    response.write(text);
  }

  private void close(Stream stream) {
    forget(stream);
    if (!stream.response().ended() && !stream.response().closed()) {
      stream.response().end();
    }
  }

  private void forget(Stream stream) {
    if (stream.runId() == null) {
      global.remove(stream);
    } else {
      List<Stream> watchers = byRun.get(stream.runId());
      if (watchers != null) {
        watchers.remove(stream);
        if (watchers.isEmpty()) {
          byRun.remove(stream.runId());
        }
      }
    }
    if (stream.counted) {
      stream.counted = false;
      openByCaller.computeIfPresent(stream.caller().id(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private void forEachStream(java.util.function.Consumer<Stream> action) {
    List<Stream> all = new ArrayList<>(global);
    byRun.values().forEach(all::addAll);
    all.forEach(action);
  }
}
