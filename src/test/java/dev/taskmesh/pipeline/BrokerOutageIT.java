package dev.taskmesh.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.EmbeddedKafka;
import dev.taskmesh.observability.Metrics;
import dev.taskmesh.run.Run;
import dev.taskmesh.support.AppProcess;
import dev.taskmesh.support.Awaits;
import dev.taskmesh.support.Ledger;
import dev.taskmesh.support.PipelineFixture;
import dev.taskmesh.support.TempDirs;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker goes away and comes back on the same address with its data: runs launched meanwhile
 * are accepted (the store alone takes them), the publisher refuses past its small backlog bound
 * instead of queueing sends, and once the broker is back every run, before and during the outage,
 * ends COMPLETED exactly once (the outbox relay republishes what was refused).
 */
@Timeout(240)
class BrokerOutageIT {

  private static final int BACKLOG = 50;

  @Test
  void runsLaunchedWhileTheBrokerIsDownAreAcceptedAndEndOnceWhenItIsBack() throws Exception {
    Path brokerDir = Files.createTempDirectory("taskmesh-broker");
    int port = AppProcess.freePort();
    EmbeddedKafka broker = EmbeddedKafka.start(brokerDir, "127.0.0.1", port);
    String tag = "broker-outage";
    JsonObject quick = new JsonObject().put("millis", 5);
    try (PipelineFixture fixture = PipelineFixture.start(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "KAFKA_PUBLISH_BACKLOG_RECORDS", Integer.toString(BACKLOG),
        "OUTBOX_SWEEP_MS", "500",
        "WORKER_CONCURRENCY", "8"))) {
      List<Run> before = fixture.launchMany(tag, "sleep", quick, 100);
      fixture.awaitFinal(before.get(before.size() - 1).id(), 60_000);

      broker.close();
      List<Run> during = fixture.launchMany(tag, "sleep", quick, 300);
      assertThat(during).as("accepted with the broker away").hasSize(300);
      Counter refused = Metrics.registry().find(Metrics.PUBLISH_REFUSED).tag("publisher", "test-publisher").counter();
      assertThat(refused).as("the refusal counter exists from the publisher's start").isNotNull();
      assertThat(refused.count()).as("sends past the backlog bound refused, not queued").isGreaterThanOrEqualTo(300 - BACKLOG);
      Thread.sleep(2_000); // outbox sweeps meet the broker away too

      broker = EmbeddedKafka.start(brokerDir, "127.0.0.1", port);
      Ledger.Report report = fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(120));
      assertThat(report.byStatus()).containsOnlyKeys("COMPLETED");
      assertThat(report.runs()).isEqualTo(400);
      assertThat(Awaits.until(() -> fixture.runs().countUnpublished().await() == 0 ? true : null, 10_000, "outbox empty")).isTrue();
    } finally {
      broker.close();
      TempDirs.deleteQuietly(brokerDir);
    }
  }
}
