package dev.croupier.node.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a node that can cut a connection at the worst moment for a client: after
 * its request reached the node (and was processed) but before the reply got back. Plain blocking
 * sockets on virtual threads; for tests.
 */
final class CuttingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cutNextReply = new AtomicBoolean();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile boolean refusing;

  CuttingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  /** The proxy's address, for clients. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** The next bytes the node sends on any connection are not delivered: the connection is cut. */
  void cutNextReply() {
    cutNextReply.set(true);
  }

  /** Whether new connections are closed at once (as if the node were down). */
  void refuse(boolean refuse) {
    refusing = refuse;
  }

  /** Connections cut so far. */
  int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (refusing) {
          client.close();
          continue;
        }
        Socket node = new Socket();
        node.connect(new InetSocketAddress("127.0.0.1", targetPort), 5_000);
        sockets.add(client);
        sockets.add(node);
        Thread.ofVirtual().start(() -> pump(client, node, false));
        Thread.ofVirtual().start(() -> pump(node, client, true));
      } catch (IOException e) {
        // closed, or the node is not there: the client sees its connection close
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromNode) {
    byte[] buffer = new byte[64 << 10];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (fromNode && cutNextReply.compareAndSet(true, false)) {
          cuts.incrementAndGet();
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(this::close);
  }
}
