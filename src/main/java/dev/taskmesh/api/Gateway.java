package dev.taskmesh.api;

import dev.taskmesh.auth.OidcVerifier;
import dev.taskmesh.auth.PasswordHasher;
import dev.taskmesh.auth.TokenKeys;
import dev.taskmesh.auth.TokenService;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.HeapGuard;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What every API verticle instance of a process shares: the token service (so a revocation holds for
 * all of them), the rate limiters (so N instances do not allow N times the limit), the password
 * hasher. Built once on the launcher thread, where blocking reads (key files) are allowed.
 */
public final class Gateway {

  private final TokenService tokens;
  private final OidcVerifier oidc;
  private final RateLimiter loginPerAccount;
  private final RateLimiter loginPerAddress;
  private final RateLimiter requests;
  private final PasswordHasher hasher;
  private final HeapGuard heapGuard;
  private final String dummyHash;

  private Gateway(TokenService tokens, OidcVerifier oidc, AppConfig config, PasswordHasher hasher) {
    this.tokens = tokens;
    this.oidc = oidc;
    this.loginPerAccount = new RateLimiter(config.auth().loginAttemptsPerMinute());
    this.loginPerAddress = new RateLimiter(config.auth().loginAttemptsPerAddressPerMinute());
    this.requests = new RateLimiter(config.api().rateLimitPerMinute());
    this.hasher = hasher;
    this.heapGuard = HeapGuard.start(config.api().launchHeapCeilingPercent());
    // Verified against when the email is unknown, so a login costs the same either way.
    this.dummyHash = hasher.hash("taskmesh-no-such-account");
  }

  /** Blocking: resolves the keys (may create the secret file) and fetches the OIDC key set if configured. */
  public static Gateway create(Vertx vertx, AppConfig config, Path dataDir) {
    TokenKeys keys = TokenKeys.resolve(config.auth(), dataDir);
    OidcVerifier oidc = null;
    if (config.auth().oidc().enabled()) {
      oidc = new OidcVerifier(vertx, config.auth().oidc(), config.auth().jwtAudience(), config.auth().clockSkewSeconds());
      oidc.start().timeout(15, TimeUnit.SECONDS).await();
    }
    TokenService tokens = new TokenService(vertx, keys, config.auth(), oidc);
    return new Gateway(tokens, oidc, config, new PasswordHasher(PasswordHasher.Parameters.OWASP_MINIMUM));
  }

  public void close() {
    heapGuard.close();
    if (oidc != null) {
      oidc.stop();
    }
  }

  /** Admission control on memory: launches wait while the heap is nearly full. */
  public HeapGuard heapGuard() {
    return heapGuard;
  }

  public TokenService tokens() {
    return tokens;
  }

  public RateLimiter loginPerAccount() {
    return loginPerAccount;
  }

  public RateLimiter loginPerAddress() {
    return loginPerAddress;
  }

  public RateLimiter requests() {
    return requests;
  }

  public PasswordHasher hasher() {
    return hasher;
  }

  public String dummyHash() {
    return dummyHash;
  }
}
