package dev.taskmesh.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A blocking JSON client for the REST API, with a bearer token per call. */
public final class ApiClient {

  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final String base;

  public ApiClient(int port) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  public Response post(String path, String token, JsonObject body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Response patch(String path, String token, JsonObject body) {
    return send(request(path, token).header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public String login(String email, String password) {
    Response response = post("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
    if (response.status() != 200) {
      throw new AssertionError("login of " + email + " failed: " + response);
    }
    return response.json().getString("token");
  }

  /** Polls until the JSON at path satisfies done. */
  public JsonObject await(String path, String token, Predicate<JsonObject> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = get(path, token);
      if (last.status() == 200 && done.test(last.json())) {
        return last.json();
      }
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("not reached within " + timeout + " on " + path + ": " + last);
  }

  /** An open server-sent event stream: its data lines arrive in a queue. */
  public final class EventStream implements AutoCloseable {
    private final BlockingQueue<String> data = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean ended;

    EventStream(String path, String token) {
      response = client.sendAsync(request(path, token).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAccept(r -> {
        Thread reader = new Thread(() -> {
          try {
            r.body().forEach(line -> {
              if (line.startsWith("data: ")) {
                data.add(line.substring(6));
              }
            });
          } catch (RuntimeException e) {
            // closed
          }
          ended = true;
        });
        reader.setDaemon(true);
        reader.start();
      });
    }

    public int status() throws Exception {
      return response.get(10, TimeUnit.SECONDS).statusCode();
    }

    public JsonObject next(Duration timeout) throws InterruptedException {
      String line = data.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return line == null ? null : new JsonObject(line);
    }

    /** Events until one satisfies last (inclusive), or fails after the timeout. */
    public List<JsonObject> until(Predicate<JsonObject> last, Duration timeout) throws InterruptedException {
      List<JsonObject> seen = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        JsonObject event = next(Duration.ofMillis(200));
        if (event != null) {
          seen.add(event);
          if (last.test(event)) {
            return seen;
          }
        }
      }
      throw new AssertionError("no final event within " + timeout + "; saw " + seen);
    }

    public boolean ended() {
      return ended;
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
      response.cancel(true);
    }
  }

  public EventStream stream(String path, String token) {
    return new EventStream(path, token);
  }

  /** A raw request from a given local address (another loopback address is another client). */
  public int rawStatusFrom(String localAddress, String method, String path, String contentType, String body) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(15000);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: " + contentType
          + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
