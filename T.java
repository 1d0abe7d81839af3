import java.net.URI; import java.net.http.*; import java.util.concurrent.*; import java.nio.file.*;
public class T { public static void main(String[] a) throws Exception {
  HttpClient c = HttpClient.newBuilder().build();
  ExecutorService p = Executors.newFixedThreadPool(4);
  Callable<String> get = () -> { try { var r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18100/health")).GET().build(), HttpResponse.BodyHandlers.ofString()); return "GET " + r.statusCode() + " " + r.body() + " " + r.version(); } catch (Exception e) { return "ERR " + e; } };
  Callable<String> post = () -> { try { var r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18100/x")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()); return r.statusCode() + " " + r.body(); } catch (Exception e) { return "ERR " + e; } };
  System.out.println(get.call());
  for (int round = 0; round < 2; round++) {
    var fs = new java.util.ArrayList<Future<String>>(); for (int i = 0; i < 8; i++) fs.add(p.submit(post));
    for (var f : fs) System.out.print(f.get() + "; "); System.out.println();
    if (round == 0) { new ProcessBuilder("kill", "-9", Files.readString(Path.of("s1.pid")).trim()).start().waitFor(); }
  }
  p.shutdown();
}}
