package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON log lines carry ECS fields and the request's or message's correlation fields across async hops. */
class LogContextTest {

  private static final Logger LOG = LoggerFactory.getLogger("test.handler");
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClientAgent client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new AccessLogHandler());
    router.get("/api/things/:id").handler(ctx -> {
      LogContext.put("run.id", "run-" + ctx.pathParam("id"));
      LOG.info("on the event loop");
      vertx.setTimer(5, t -> {
        LOG.info("in a timer callback");
        vertx.executeBlocking(() -> {
          LOG.info("on a worker thread {}", Thread.currentThread().getName());
          return "done";
        }).compose(done -> vertx.eventBus().request("things", "hi", new DeliveryOptions()
                .addHeader("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01").addHeader("kafka.key", "run-from-kafka")))
            .onSuccess(reply -> {
              LOG.info("in a future callback");
              ctx.response().end("ok");
            })
            .onFailure(ctx::fail);
      });
    });
    router.get("/api/fails/:id").handler(ctx -> ctx.fail(new HttpException(404)));
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode()).end());
    vertx.eventBus().<String>consumer("things", message -> {
      LogContext.enter(message);
      Promise<Void> later = Promise.promise();
      vertx.setTimer(5, t -> later.complete());
      later.future().onComplete(x -> {
        LOG.info("consumer after a hop");
        message.reply("ok");
      });
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static io.vertx.core.http.HttpClientResponse call(String path, String traceparent) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setPort(server.actualPort()).setHost("127.0.0.1").setURI(path);
    if (traceparent != null) {
      options.putHeader("traceparent", traceparent);
    }
    // Composed on the event loop: from the test thread, the body handler could be attached after the
    // response had already ended, and the call then waited forever (seen under load).
    Promise<io.vertx.core.http.HttpClientResponse> answered = Promise.promise();
    vertx.runOnContext(v -> client.request(options).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp))
        .onComplete(answered));
    return answered.future().timeout(10, TimeUnit.SECONDS).await();
  }

  @Test
  void fieldsFollowTheRequestThroughCallbacksWorkerThreadsAndTheEventBus() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      var response = call("/api/things/7", "00-" + TRACE + "-b7ad6b7169203331-01");
      assertThat(response.statusCode()).isEqualTo(200);
      String returned = response.getHeader("traceparent");
      assertThat(returned).startsWith("00-" + TRACE + "-").doesNotContain("b7ad6b7169203331");

      for (String message : new String[] {"on the event loop", "in a timer callback", "in a future callback"}) {
        JsonObject line = logs.await(l -> message.equals(l.getString("message")), Duration.ofSeconds(5));
        assertThat(line.getString("trace.id")).as(message).isEqualTo(TRACE);
        assertThat(line.getString("run.id")).as(message).isEqualTo("run-7");
        assertEcs(line);
      }
      JsonObject worker = logs.await(l -> l.getString("message").startsWith("on a worker thread"), Duration.ofSeconds(5));
      assertThat(worker.getString("process.thread.name")).contains("worker");
      assertThat(worker.getString("trace.id")).isEqualTo(TRACE);
      assertThat(worker.getString("run.id")).isEqualTo("run-7");

      JsonObject consumer = logs.await(l -> "consumer after a hop".equals(l.getString("message")), Duration.ofSeconds(5));
      assertThat(consumer.getString("trace.id")).isEqualTo(TRACE);
      assertThat(consumer.getString("span.id")).isEqualTo("00f067aa0ba902b7");
      assertThat(consumer.getString("run.id")).isEqualTo("run-from-kafka");

      JsonObject access = logs.await(l -> AccessLogHandler.LOGGER.equals(l.getString("log.logger")), Duration.ofSeconds(5));
      assertThat(access.getString("http.request.method")).isEqualTo("GET");
      assertThat(access.getString("http.route")).isEqualTo("/api/things/:id");
      assertThat(access.getInteger("http.response.status_code")).isEqualTo(200);
      assertThat(access.getInteger("http.response.body.bytes")).isEqualTo(2);
      assertThat(access.getLong("event.duration")).isPositive();
      assertThat(access.getString("trace.id")).isEqualTo(TRACE);
      assertEcs(access);
    }
  }

  @Test
  void aRequestWithoutValidTraceparentGetsANewTraceAndNothingLeaksBetweenRequests() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      var first = call("/api/things/1", "garbage");
      var second = call("/api/things/2", null);
      String firstTrace = first.getHeader("traceparent").split("-")[1];
      String secondTrace = second.getHeader("traceparent").split("-")[1];
      assertThat(firstTrace).hasSize(32).isNotEqualTo(secondTrace);
      JsonObject one = logs.await(l -> "in a future callback".equals(l.getString("message")) && "run-1".equals(l.getString("run.id")), Duration.ofSeconds(5));
      JsonObject two = logs.await(l -> "in a future callback".equals(l.getString("message")) && "run-2".equals(l.getString("run.id")), Duration.ofSeconds(5));
      assertThat(one.getString("trace.id")).isEqualTo(firstTrace);
      assertThat(two.getString("trace.id")).isEqualTo(secondTrace);
    }
  }

  @Test
  void theAccessLogNamesTheRouteTemplateEvenWhenAFailureHandlerAnswers() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      assertThat(call("/api/fails/42", null).statusCode()).isEqualTo(404);
      assertThat(call("/nowhere/at/all", null).statusCode()).isEqualTo(404);
      JsonObject failed = logs.await(l -> "/api/fails/42".equals(l.getString("url.path")), Duration.ofSeconds(5));
      assertThat(failed.getString("http.route")).isEqualTo("/api/fails/:id");
      assertThat(failed.getInteger("http.response.status_code")).isEqualTo(404);
      JsonObject unmatched = logs.await(l -> "/nowhere/at/all".equals(l.getString("url.path")), Duration.ofSeconds(5));
      assertThat(unmatched.getString("http.route")).isEqualTo("unmatched");
    }
  }

  @Test
  void outsideAnyRequestTheFieldsComeFromAScopeAndErrorsAreDescribed() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      assertThat(LogContext.put("run.id", "nowhere")).isFalse();
      try (LogContext.Scope scope = LogContext.scope(LogContext.run("run-9", TRACE))) {
        LOG.error("it broke", new IllegalStateException("bad state"));
      }
      LOG.info("after the scope");
      JsonObject error = logs.await(l -> "it broke".equals(l.getString("message")), Duration.ofSeconds(5));
      assertThat(error.getString("run.id")).isEqualTo("run-9");
      assertThat(error.getString("log.level")).isEqualTo("ERROR");
      assertThat(error.getString("error.type")).isEqualTo("java.lang.IllegalStateException");
      assertThat(error.getString("error.message")).isEqualTo("bad state");
      assertThat(error.getString("error.stack_trace")).contains("IllegalStateException");
      JsonObject after = logs.await(l -> "after the scope".equals(l.getString("message")), Duration.ofSeconds(5));
      assertThat(after.containsKey("run.id")).isFalse();
    }
  }

  private static void assertEcs(JsonObject line) {
    assertThat(line.getString("@timestamp")).endsWith("Z");
    assertThat(line.getString("log.level")).isNotBlank();
    assertThat(line.getString("log.logger")).isNotBlank();
    assertThat(line.getString("service.name")).isEqualTo("taskmesh");
    assertThat(line.getString("service.instance.id")).isNotBlank();
    assertThat(line.getString("host.name")).isNotBlank();
  }

  @SuppressWarnings("unused")
  private static Future<Void> unused() {
    return Future.succeededFuture();
  }
}
