package org.clr4j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.clr4j.data.Dataset;
import org.clr4j.data.TrainTest;

/**
 * Runs the committed PyTorch reference script ({@code clr4j-bench/python/train_pytorch.py}) for the bench: finds
 * python with torch and the script, hands it exactly the data clr4j trains on (written as IDX files), and reads
 * back its JSON.
 */
final class BenchPyTorch {
  static final String SCRIPT = "clr4j-bench/python/train_pytorch.py";
  static final String DEFAULT_PYTHON = "/usr/bin/python3";

  private final String python;
  private final Path script;

  private BenchPyTorch(String python, Path script) {
    this.python = python;
    this.script = script;
  }

  Path script() {
    return script;
  }

  String python() {
    return python;
  }

  /**
   * The runner, or null with {@code why[0]} set when python with torch or the script is missing.
   *
   * @param python the interpreter; null for /usr/bin/python3, or python3 on the PATH
   * @param script the script; null to look for it beside this clr4j (repository checkout) and in the working dir
   */
  static BenchPyTorch find(String python, Path script, String[] why) {
    String py = python != null ? python : Files.isExecutable(Path.of(DEFAULT_PYTHON)) ? DEFAULT_PYTHON : "python3";
    Path s = script != null ? script : locateScript();
    if (s == null || !Files.isRegularFile(s)) {
      why[0] = "the PyTorch script " + (s == null ? SCRIPT : s) + " was not found (give --pytorch-script)";
      return null;
    }
    try {
      Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        why[0] = py + " -c 'import torch' did not finish in 120 s";
        return null;
      }
      if (p.exitValue() != 0) {
        why[0] = py + " has no torch (import torch failed)";
        return null;
      }
    } catch (IOException e) {
      why[0] = py + " cannot be run: " + e.getMessage();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why[0] = "interrupted";
      return null;
    }
    return new BenchPyTorch(py, s.toAbsolutePath());
  }

  /** The script in the checkout this clr4j was built in (jar or classes under clr4j-cli/target), else in ".". */
  static Path locateScript() {
    List<Path> starts = new ArrayList<>();
    try {
      Path code = Path.of(BenchPyTorch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      starts.add(code.toAbsolutePath());
    } catch (URISyntaxException | RuntimeException e) {
      // No code source (unusual class loader): fall back to the working directory.
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(SCRIPT);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** Whether the data suits the script's models: 1×28×28 images in 10 classes. */
  static boolean suits(TrainTest data) {
    int[] s = data.train().sampleShape();
    return s.length == 3 && s[0] == 1 && s[1] == 28 && s[2] == 28 && data.train().numClasses() == 10;
  }

  /**
   * Writes {@code data} as the four uncompressed IDX files the script reads (pixels back to bytes: clr4j's pixels
   * are {@code byte / 255}, so this is exact), unless {@code dir} already holds them for the same sizes.
   */
  static void writeIdx(TrainTest data, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path stamp = dir.resolve("SIZES");
    String sizes = data.train().name() + " " + data.train().size() + " " + data.test().size() + "\n";
    if (Files.exists(stamp) && Files.readString(stamp).equals(sizes)) {
      return;
    }
    Files.deleteIfExists(stamp);
    images(data.train(), dir.resolve("train-images-idx3-ubyte"));
    labels(data.train(), dir.resolve("train-labels-idx1-ubyte"));
    images(data.test(), dir.resolve("t10k-images-idx3-ubyte"));
    labels(data.test(), dir.resolve("t10k-labels-idx1-ubyte"));
    Files.writeString(stamp, sizes);
  }

  private static void images(Dataset d, Path file) throws IOException {
    float[] x = d.features();
    byte[] bytes = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      bytes[i] = (byte) Math.round(Math.min(1f, Math.max(0f, x[i])) * 255f);
    }
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x00000803);
      out.writeInt(d.size());
      out.writeInt(28);
      out.writeInt(28);
      out.write(bytes);
    }
  }

  private static void labels(Dataset d, Path file) throws IOException {
    int[] y = d.labels();
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x00000801);
      out.writeInt(y.length);
      for (int label : y) {
        out.writeByte(label);
      }
    }
  }

  /**
   * Trains one configuration with the script; {@code onEpoch} hears of each finished epoch. Returns the result, or
   * throws with the script's last output lines when it fails.
   */
  BenchStore.Result train(String model, String schedule, long seed, int epochs, int batchSize, int threads,
      double weightDecay, Path dataDir, Path json, Path log, IntConsumer onEpoch) throws IOException {
    Files.createDirectories(json.toAbsolutePath().getParent());
    Files.deleteIfExists(json);
    List<String> command = List.of(python, script.toString(), "--model", model, "--epochs", Integer.toString(epochs),
        "--schedule", schedule, "--seed", Long.toString(seed), "--batch-size", Integer.toString(batchSize),
        "--threads", Integer.toString(threads), "--weight-decay", Double.toString(weightDecay),
        "--data-dir", dataDir.toAbsolutePath().toString(),
        "--json", json.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    callersEnvironment(builder.environment(), System.getenv("CLR4J_MALLOC_SET"));
    Process p = builder.start();
    List<String> tail = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      w.write(String.join(" ", command) + "\n");
      for (String line; (line = in.readLine()) != null; ) {
        w.write(line);
        w.write('\n');
        w.flush();
        tail.add(line);
        if (tail.size() > 5) {
          tail.remove(0);
        }
        String t = line.strip();
        // Epoch lines start with the epoch number: "    3     0.3121     0.3305    88.10%  ..."
        if (!t.isEmpty() && Character.isDigit(t.charAt(0)) && t.contains("%")) {
          try {
            onEpoch.accept(Integer.parseInt(t.split("\\s+")[0]));
          } catch (NumberFormatException ignored) {
            // Not an epoch line.
          }
        }
      }
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while PyTorch was training", e);
    }
    if (code != 0 || !Files.exists(json)) {
      throw new IOException("PyTorch run failed (exit " + code + "): " + String.join(" / ", tail) + " (log: " + log
          + ")");
    }
    return read(json);
  }

  /**
   * Removes from {@code env} what the launcher added for clr4j's own allocator ({@code set}: the names it set,
   * space-separated), so that PyTorch runs as its users run it.
   */
  static void callersEnvironment(Map<String, String> env, String set) {
    if (set != null) {
      for (String name : set.trim().split("\\s+")) {
        env.remove(name);
      }
    }
    env.remove("CLR4J_MALLOC_SET");
  }

  /** The script's JSON as a bench result (id, model, policy and seed are the caller's to set). */
  static BenchStore.Result read(Path json) throws IOException {
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IOException(json + ": not the JSON train_pytorch.py writes: " + e.getMessage(), e);
    }
    BenchStore.Result r = new BenchStore.Result().kind(BenchStore.Kind.PYTORCH).status(BenchStore.Status.COMPLETED);
    r.schedule = o.get("schedule").getAsString();
    r.epochs = o.get("epochs").getAsInt();
    r.seed = o.get("seed").getAsLong();
    r.samplesPerSecond = o.get("samples_per_second").getAsDouble();
    r.trainSeconds = o.get("train_seconds").getAsDouble();
    r.note = "torch " + o.get("torch").getAsString() + ", " + o.get("threads").getAsInt() + " thread(s), init "
        + o.get("init").getAsString() + ", loader " + o.get("loader").getAsString() + blasNote(o);
    JsonArray epochs = o.getAsJsonArray("epoch_results");
    for (JsonElement el : epochs) {
      JsonObject e = el.getAsJsonObject();
      r.epochResults.add(new BenchStore.Epoch(e.get("epoch").getAsInt(), e.get("test_accuracy").getAsDouble(),
          e.get("test_loss").getAsDouble(), e.get("train_loss").getAsDouble(), e.get("train_seconds").getAsDouble(),
          e.get("samples_per_second").getAsDouble()));
    }
    return r;
  }

  /** The BLAS and its thread setting, which decide PyTorch's mlp speed; absent from records before 2026-12-01. */
  static String blasNote(JsonObject o) {
    if (!o.has("blas") || o.get("blas").isJsonNull()) {
      return "";
    }
    JsonElement threads = o.get("openblas_threads");
    return ", BLAS " + o.get("blas").getAsString() + " (OPENBLAS_NUM_THREADS="
        + (threads == null || threads.isJsonNull() ? "unset" : threads.getAsString()) + ")";
  }
}
