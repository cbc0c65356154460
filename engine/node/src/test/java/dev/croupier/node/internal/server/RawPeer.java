package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Hello;
import dev.croupier.protocol.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** A hand-driven socket speaking (or deliberately not speaking) the protocol, for tests. */
final class RawPeer implements AutoCloseable {

  final Socket socket;
  final InputStream in;
  final OutputStream out;

  RawPeer(Node node, int receiveBufferBytes) throws IOException {
    socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.setTcpNoDelay(true); // frames go out at once, not after the previous one's ACK
    socket.connect(new InetSocketAddress("127.0.0.1", node.address().getPort()), 5000);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawPeer(Node node) throws IOException {
    this(node, 0);
  }

  void send(Envelope e) throws IOException {
    e.writeDelimitedTo(out);
    out.flush();
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  Envelope read() throws IOException {
    return Envelope.parseDelimitedFrom(in);
  }

  /** Says Hello with {@code token} and returns the node's answer. */
  Envelope hello(String token) throws IOException {
    send(Envelope.newBuilder().setCorrelationId(1).setHello(Hello.newBuilder()
        .setProtocolVersion(Wire.PROTOCOL_VERSION).setToken(token)).build());
    return read();
  }

  /** Reads frames until the node closes the connection; returns them. */
  List<Envelope> readUntilClosed() throws IOException {
    List<Envelope> frames = new ArrayList<>();
    try {
      Envelope e;
      while ((e = read()) != null) {
        frames.add(e);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the node did not close the connection; got " + frames, e);
    } catch (IOException e) {
      // reset by the node: closed as well
    }
    return frames;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
