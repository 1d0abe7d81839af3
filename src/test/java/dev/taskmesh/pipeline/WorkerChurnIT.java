package dev.taskmesh.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.Awaits;
import dev.taskmesh.support.Ledger;
import dev.taskmesh.support.PipelineFixture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker instances come and go while runs are in flight: each accepted run still reaches exactly
 * one terminal state. The application runs the api and updater roles; the test deploys and
 * undeploys worker instances (a worker verticle and its bridge, one Kafka consumer each).
 */
@Timeout(180)
class WorkerChurnIT {

  private static PipelineFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = PipelineFixture.start(Map.of("ROLES", "api,updater", "WORKER_CONCURRENCY", "8"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void runsInFlightOnAWorkerThatGoesAwayCompleteOnceAfterRedelivery() throws Exception {
    String tag = "worker-gone";
    List<String> first = fixture.deployWorkerInstance();
    var runs = fixture.launchMany(tag, "sleep", new JsonObject().put("millis", 3_000), 24);
    // Wait until the first instance is executing a good part of them, then take it away:
    // its bridge waits SHUTDOWN_GRACE_MS (1 s) and hands back what is unanswered, uncommitted;
    // its worker abandons the attempts (no outcome is published for them).
    Awaits.until(() -> runs.stream().filter(r -> fixture.ledger().executions(r.id()) > 0).count() >= 12, 30_000, "runs executing");
    fixture.undeploy(first.get(1));
    fixture.undeploy(first.get(0));
    long executedBefore = runs.stream().filter(r -> fixture.ledger().executions(r.id()) > 0).count();

    List<String> second = fixture.deployWorkerInstance();
    Ledger.Report report = fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(60));
    assertThat(report.byStatus()).containsEntry("COMPLETED", 24);
    assertThat(report.runsByExecutions().keySet()).as("some runs were executed again after the redelivery").contains(2);
    assertThat(executedBefore).isGreaterThanOrEqualTo(12);
    second.forEach(fixture::undeploy);
  }

  @Test
  void workerInstancesOneTwoOneUnderLoadKeepTheLedger() throws Exception {
    String tag = "rebalance";
    List<String> first = fixture.deployWorkerInstance();
    AtomicBoolean launching = new AtomicBoolean(true);
    AtomicInteger launched = new AtomicInteger();
    Thread load = new Thread(() -> {
      while (launching.get()) {
        fixture.launchMany(tag, "sleep", new JsonObject().put("millis", 20), 20);
        launched.addAndGet(20);
      }
    }, "load");
    load.start();
    try {
      Thread.sleep(1_500);
      List<String> second = fixture.deployWorkerInstance(); // 1 -> 2: partitions move to the new consumer
      Thread.sleep(3_000);
      fixture.undeploy(second.get(1)); // 2 -> 1: its partitions move back (graceful: drained and committed)
      fixture.undeploy(second.get(0));
      Thread.sleep(1_500);
    } finally {
      launching.set(false);
      load.join(30_000);
    }
    Ledger.Report report = fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(90));
    assertThat(report.runs()).isEqualTo(launched.get()).isGreaterThan(100);
    assertThat(report.byStatus()).containsOnlyKeys("COMPLETED");
    first.forEach(fixture::undeploy);
  }
}
