package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The baseline: a bare Vert.x HTTP endpoint answering a small JSON body, on as many event loops as
 * the gateway uses. Every gateway figure is quoted as a ratio to this one, measured in the same run.
 * {@code java -cp taskmesh.jar dev.taskmesh.bench.HelloServer <port> [eventLoops]}
 */
public final class HelloServer {

  private HelloServer() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    for (int i = 0; i < loops; i++) {
      vertx.createHttpServer()
          .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end("{\"hello\":\"world\"}"))
          .listen(port, "127.0.0.1")
          .await();
    }
    System.out.println("hello server ready on " + port);
  }
}
