package org.clr4j.reference;

import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an artefact was made: what ran (command, spec, seed, settings), on what (versions of clr4j, DJL, the engine,
 * the JDK, the OS and architecture, cores, the native memory allocator) and from which data. Written as JSON beside
 * every result.
 */
public final class RunRecord {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .disableHtmlEscaping().create();

  private final Map<String, Object> fields = new LinkedHashMap<>();

  private RunRecord(String command) {
    fields.put("command", command);
    fields.put("created", Instant.now().toString());
    fields.put("environment", environment());
  }

  /** A record for {@code command} (e.g. {@code train}) with the environment filled in. */
  public static RunRecord of(String command) {
    return new RunRecord(command);
  }

  /** Adds or replaces a field; values are strings, numbers, booleans, lists or maps. */
  public RunRecord put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public Object get(String key) {
    return fields.get(key);
  }

  public Map<String, Object> fields() {
    return fields;
  }

  /** The software and machine: clr4j, DJL, engine, JDK, OS, architecture, cores, memory allocator. */
  public static Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("clr4j", version());
    Package djl = Engine.class.getPackage();
    env.put("djl", djl != null && djl.getImplementationVersion() != null ? djl.getImplementationVersion() : "0.36.0");
    try {
      Engine engine = Engine.getEngine("PyTorch");
      env.put("engine", engine.getEngineName() + " " + engine.getVersion());
    } catch (RuntimeException e) {
      env.put("engine", "unavailable: " + e.getMessage());
    }
    env.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("arch", System.getProperty("os.arch"));
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("allocator", allocator(System.getenv()));
    return env;
  }

  /**
   * The native memory allocator as the environment sets it up (it changes throughput; see docs/BENCHMARKS.md,
   * "Memory allocator"): a preloaded allocator, else glibc with its {@code MALLOC_*} settings.
   */
  static String allocator(Map<String, String> env) {
    String preload = env.get("LD_PRELOAD");
    if (preload != null && !preload.isBlank()) {
      String name = preload.contains("tcmalloc") ? "tcmalloc" : preload.contains("jemalloc") ? "jemalloc" : "preloaded";
      return name + " (LD_PRELOAD=" + preload + ")";
    }
    List<String> settings = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (e.getKey().startsWith("MALLOC_")) {
        settings.add(e.getKey() + "=" + e.getValue());
      }
    }
    return settings.isEmpty() ? "glibc defaults" : "glibc (" + String.join(", ", settings) + ")";
  }

  /** clr4j's version from the jar manifest, or {@code dev} when run from classes. */
  public static String version() {
    String v = RunRecord.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT (dev)";
  }

  public String toJson() {
    return GSON.toJson(fields);
  }

  /** Writes the JSON atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(toJson());
      w.write('\n');
    }
    try {
      // Temporary files are created owner-only; a run record is ordinary output that others may read.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: keep its defaults.
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Gson gson() {
    return GSON;
  }
}
