package dev.taskmesh;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigException;
import dev.taskmesh.config.ConfigLoader;
import dev.taskmesh.infra.EmbeddedInfraException;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The launcher: {@code java -jar taskmesh.jar [--config file.yaml]}. Exit codes: 0 after a clean
 * stop on SIGTERM/SIGINT, 1 when a dependency or port is unusable, 2 for bad configuration or usage.
 */
public final class Main {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE = "Usage: java -jar taskmesh.jar [--config <file.yaml>]   (settings: docs/configuration.md)\n"
      + "       java -jar taskmesh.jar bench <http|pipeline|scale|memory|all> [options]   (docs/benchmarks.md)";

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("bench")) {
      System.exit(dev.taskmesh.bench.BenchCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
      return;
    }
    long startedAt = System.nanoTime();
    Optional<Path> configFile;
    try {
      configFile = parseArguments(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(EXIT_USAGE);
      return;
    }
    if (configFile == null) {
      System.out.println(USAGE);
      System.exit(EXIT_OK);
      return;
    }

    AppConfig config;
    try {
      config = loadConfig(configFile);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }

    Application application = new Application(config);
    installSignalHandlers(application);
    try {
      Banner banner = application.start(startedAt);
      System.out.println(banner.render());
      LOG.info("Started in {} ms with roles {}", banner.startMillis(), config.roles());
    } catch (EmbeddedInfraException e) {
      System.err.println("Cannot start: " + e.getMessage());
      application.stop();
      System.exit(EXIT_FAILURE);
    } catch (RuntimeException e) {
      LOG.error("Start failed", e);
      System.err.println("Cannot start: " + e);
      application.stop();
      System.exit(EXIT_FAILURE);
    }
  }

  static Optional<Path> parseArguments(String[] args) {
    Optional<Path> file = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-conf" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a file path");
          }
          file = Optional.of(Path.of(args[++i]));
        }
        case "--help", "-h" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
      }
    }
    return file;
  }

  /** Reads the configuration on a short-lived Vert.x: the real one's options depend on it. */
  static AppConfig loadConfig(Optional<Path> configFile) {
    Vertx bootstrap = Vertx.vertx();
    try {
      return ConfigLoader.load(bootstrap, configFile, System.getenv(), System.getProperties()).await();
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("configuration", "?", String.valueOf(e.getMessage()));
    } finally {
      bootstrap.close();
    }
  }

  /** SIGTERM and SIGINT stop the application cleanly and exit 0; a stop that hangs is cut short. */
  private static void installSignalHandlers(Application application) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (!stopping.compareAndSet(false, true)) {
          return;
        }
        Thread stopper = new Thread(() -> {
          LOG.info("Received SIG{}, stopping", name);
          Thread watchdog = new Thread(() -> {
            try {
              Thread.sleep(TimeUnit.SECONDS.toMillis(15));
              System.err.println("Stop took longer than 15 s; exiting anyway");
              Runtime.getRuntime().halt(EXIT_FAILURE);
            } catch (InterruptedException ignored) {
              // stopped in time
            }
          }, "stop-watchdog");
          watchdog.setDaemon(true);
          watchdog.start();
          application.stop();
          LOG.info("Stopped");
          stopLogging();
          System.exit(EXIT_OK);
        }, "stopper");
        stopper.start();
      });
    }
  }

  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
  }
}
