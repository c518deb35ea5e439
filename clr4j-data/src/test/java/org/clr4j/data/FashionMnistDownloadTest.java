package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server on 127.0.0.1: verified, atomic, and nothing left behind on failure. */
class FashionMnistDownloadTest {
  @TempDir Path tmp;
  final IdxFiles.Fake fake = new IdxFiles.Fake();
  HttpServer server;
  String baseUrl;
  /** What the server answers per file name: bytes to send, or a status code. */
  final Map<String, byte[]> bodies = new HashMap<>();
  final Map<String, Integer> statuses = new HashMap<>();
  /** Files whose response sends half the promised bytes and then stalls. */
  final List<String> stalled = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    for (int i = 0; i < 4; i++) {
      bodies.put(fake.names.get(i) + ".gz", fake.gz.get(i));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/fm/", exchange -> {
      String file = exchange.getRequestURI().getPath().substring("/fm/".length());
      requests.add(file);
      byte[] body = bodies.get(file);
      int status = statuses.getOrDefault(file, body == null ? 404 : 200);
      if (status != 200) {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
        return;
      }
      boolean stall = stalled.contains(file);
      exchange.sendResponseHeaders(200, body.length);
      OutputStream out = exchange.getResponseBody();
      out.write(body, 0, stall ? body.length / 2 : body.length);
      out.flush();
      if (stall) {
        try {
          release.await(); // hold the connection open without sending more, until the test ends
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.close();
    });
    server.start();
    baseUrl = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/fm/";
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private FashionMnist.Options options(Path cache) {
    return FashionMnist.options().cacheDir(cache).systemDir(tmp.resolve("no-system")).baseUrl(baseUrl)
        .timeout(Duration.ofSeconds(10));
  }

  @Test
  void goodBytesAreVerifiedAndCachedThenReusedWithoutDownloading() throws Exception {
    Path cache = tmp.resolve("cache");
    Map<String, long[]> last = new HashMap<>();
    TrainTest tt = fake.loader().loadFrom(options(cache).progress((f, done, total) ->
        last.put(f, new long[] {done, total})));
    assertEquals(12, tt.train().size());
    for (int i = 0; i < 4; i++) {
      String name = fake.names.get(i) + ".gz";
      assertArrayEquals(fake.gz.get(i), Files.readAllBytes(cache.resolve(name)));
      assertArrayEquals(new long[] {fake.gz.get(i).length, fake.gz.get(i).length}, last.get(name), name);
    }
    assertTrue(tt.train().source().startsWith(baseUrl + "train-images-idx3-ubyte.gz (saved as "
        + cache.resolve("train-images-idx3-ubyte.gz")), tt.train().source());
    assertEquals(4, requests.size());
    assertEquals(4, listNames(cache).size(), "only the four files, no temporary files: " + listNames(cache));

    TrainTest again = fake.loader().loadFrom(options(cache).download(false));
    assertEquals(4, requests.size(), "no new request");
    assertTrue(again.train().source().startsWith(cache.toString()), again.train().source());
  }

  @Test
  void onlyFilesMissingFromTheCacheAreDownloaded() throws Exception {
    Path cache = fake.writeTo(tmp.resolve("cache"));
    Files.delete(cache.resolve("t10k-labels-idx1-ubyte.gz"));
    fake.loader().loadFrom(options(cache));
    assertEquals(List.of("t10k-labels-idx1-ubyte.gz"), requests);
  }

  @Test
  void truncatedBytesFailTheChecksumAndLeaveNoFileInTheCache() throws Exception {
    Path cache = tmp.resolve("cache");
    byte[] gz = fake.gz.get(0);
    bodies.put("train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    DatasetException e = assertThrows(DatasetException.class, () -> fake.loader().loadFrom(options(cache)));
    String m = e.getMessage();
    assertTrue(m.contains(baseUrl + "train-images-idx3-ubyte.gz"), m);
    assertTrue(m.contains("not the official train-images-idx3-ubyte.gz"), m);
    assertTrue(m.contains("expected " + fake.specs.get(0).gzSha256()), m);
    assertTrue(m.contains("nothing was saved"), m);
    assertEquals(List.of(), listNames(cache));
  }

  @Test
  void aStalledDownloadTimesOutAndLeavesNoFileInTheCache() throws Exception {
    Path cache = tmp.resolve("cache");
    stalled.add("train-images-idx3-ubyte.gz");
    DatasetException e = assertThrows(DatasetException.class,
        () -> fake.loader().loadFrom(options(cache).timeout(Duration.ofMillis(500))));
    assertTrue(e.getMessage().startsWith("download of " + baseUrl + "train-images-idx3-ubyte.gz into " + cache
        + " failed: "), e.getMessage());
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertEquals(List.of(), listNames(cache));
  }

  @Test
  void aConnectionClosedEarlyLeavesNoFileInTheCache() throws Exception {
    Path cache = tmp.resolve("cache");
    byte[] gz = fake.gz.get(0);
    // A raw server that promises the whole file, sends half of it and closes the connection.
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = raw.accept()) {
          s.getInputStream().read(new byte[4096]);
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + gz.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(gz, 0, gz.length / 2);
          out.flush();
        } catch (IOException ignored) {
          // The client's error is what the test checks.
        }
      });
      t.start();
      String url = "http://127.0.0.1:" + raw.getLocalPort() + "/";
      DatasetException e = assertThrows(DatasetException.class,
          () -> fake.loader().loadFrom(options(cache).baseUrl(url)));
      assertTrue(e.getMessage().startsWith("download of " + url + "train-images-idx3-ubyte.gz"), e.getMessage());
      assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
      t.join(5000);
    }
    assertEquals(List.of(), listNames(cache));
  }

  @Test
  void aServerErrorGivesAClearMessageAndLeavesNoFile() throws Exception {
    Path cache = tmp.resolve("cache");
    statuses.put("train-images-idx3-ubyte.gz", 500);
    DatasetException e = assertThrows(DatasetException.class, () -> fake.loader().loadFrom(options(cache)));
    assertEquals("download of " + baseUrl + "train-images-idx3-ubyte.gz failed: HTTP 500 from the server; "
        + "nothing was saved in " + cache, e.getMessage());
    assertEquals(List.of(), listNames(cache));
  }

  @Test
  void anUnreachableServerGivesAClearMessage() throws Exception {
    Path cache = tmp.resolve("cache");
    server.stop(0);
    DatasetException e = assertThrows(DatasetException.class, () -> fake.loader().loadFrom(options(cache)));
    assertTrue(e.getMessage().startsWith("download of " + baseUrl + "train-images-idx3-ubyte.gz into " + cache
        + " failed: "), e.getMessage());
    assertEquals(List.of(), listNames(cache));
  }

  @Test
  void aFileInTheSystemDirIsPreferredOverDownloading() throws Exception {
    Path system = fake.writeTo(tmp.resolve("system"));
    TrainTest tt = fake.loader().loadFrom(options(tmp.resolve("cache")).systemDir(system));
    assertTrue(tt.train().source().startsWith(system.toString()));
    assertEquals(List.of(), requests);
  }

  private static List<String> listNames(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
