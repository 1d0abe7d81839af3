package dev.taskmesh.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The bare Vert.x baseline for bench/gateway.sh: one route-less HTTP server answering "hello",
 * with as many instances as the gateway has. Not part of the application.
 */
public final class HelloServer extends VerticleBase {

  private static final Buffer HELLO = Buffer.buffer("hello");
  private final int port;

  private HelloServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end(HELLO)).listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new HelloServer(port), new DeploymentOptions().setInstances(instances)).await();
    System.out.println("hello ready on " + port);
  }
}
