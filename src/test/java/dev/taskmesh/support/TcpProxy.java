package dev.taskmesh.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that can be cut: {@link #stop} closes the listener and every connection
 * (clients get "connection refused", as from a stopped engine), {@link #start} listens again on
 * the same port. Lets one engine start serve a whole outage test. {@link #silence} keeps every
 * connection open and drops what either side sends, as a partition or a peer that lost its socket
 * does: nothing fails, nothing answers.
 */
public final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean silent;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.port = AppProcess.freePort();
    start();
  }

  public int port() {
    return port;
  }

  public synchronized void start() throws IOException {
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** From now on, bytes sent either way are read and dropped; connections stay open. */
  public void silence() {
    silent = true;
  }

  /** Forwards again (what was dropped stays lost). */
  public void speak() {
    silent = false;
  }

  public synchronized void stop() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[8192];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          if (!silent) {
            out.write(buffer, 0, read);
            out.flush();
          }
        }
      } catch (IOException ignored) {
        // connection closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    stop();
  }
}
