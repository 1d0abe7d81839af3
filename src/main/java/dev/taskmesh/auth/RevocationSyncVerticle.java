package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process's token check in step with revocations made by other gateway processes: one
 * pull before the gateway serves (so a restart does not forget them), then one every
 * {@code auth.revocationSyncMs}. One instance per process; the gateway's instances share its
 * {@link TokenService}.
 */
public final class RevocationSyncVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RevocationSyncVerticle.class);

  private final AppConfig config;
  private final TokenService tokens;
  private TokenRevocations revocations;
  private PeriodicTask pulls;

  public RevocationSyncVerticle(AppConfig config, TokenService tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  @Override
  public Future<?> start() {
    revocations = new TokenRevocations(Mongo.client(vertx, config), tokens, TokenRevocations.relevantFor(config.auth()));
    return revocations.createIndexes().compose(v -> revocations.pull()).onSuccess(n -> {
      if (n > 0) {
        LOG.info("Loaded {} token revocation(s)", n);
      }
      long every = config.auth().revocationSyncMs();
      pulls = PeriodicTask.start(vertx, every, every, "Token revocation sync", revocations::pull);
    });
  }

  @Override
  public Future<?> stop() {
    if (pulls != null) {
      pulls.cancel();
    }
    return Future.succeededFuture();
  }
}
