package io.jstack.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A raw-socket HTTP/1.1 client for tests: writes exact bytes, reads responses (Content-Length, chunked or close). */
final class RawClient implements AutoCloseable {
    record Reply(String statusLine, List<String[]> headers, byte[] body, boolean chunked) {
        int status() {
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        String header(String name) {
            for (var h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000); // a bound on every test wait, never a synchronisation
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    String line() throws IOException {
        var b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Reads one response; {@code head} means the request was HEAD (no body follows). */
    Reply read(boolean head) throws IOException {
        String status = line();
        if (status == null) throw new IOException("connection closed before a response");
        var headers = new ArrayList<String[]>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.add(new String[] {l.substring(0, colon), l.substring(colon + 1).strip()});
        }
        var reply = new Reply(status, headers, new byte[0], false);
        int code = reply.status();
        if (head || code < 200 || code == 204 || code == 304) return reply;
        String te = reply.header("Transfer-Encoding");
        String cl = reply.header("Content-Length");
        var body = new ByteArrayOutputStream();
        if (te != null && te.toLowerCase(Locale.ROOT).equals("chunked")) {
            while (true) {
                int size = Integer.parseInt(line(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                body.write(in.readNBytes(size));
                if (!line().isEmpty()) throw new IOException("chunk not followed by CRLF");
            }
            return new Reply(status, headers, body.toByteArray(), true);
        } else if (cl != null) {
            int n = Integer.parseInt(cl);
            byte[] b = in.readNBytes(n);
            if (b.length != n) throw new IOException("short body: " + b.length + " of " + n);
            return new Reply(status, headers, b, false);
        }
        return new Reply(status, headers, in.readAllBytes(), false);
    }

    Reply read() throws IOException {
        return read(false);
    }

    /** Whether the server closed the connection (end of stream, or reset). */
    boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
