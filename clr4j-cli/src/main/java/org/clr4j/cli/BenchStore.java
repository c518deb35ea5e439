package org.clr4j.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's finished configurations, one JSON object per line in {@code OUT/results.jsonl}. Each is appended the
 * moment it finishes, so an interrupted bench loses at most the configuration in progress; a rerun with the same
 * output directory finds every finished one by its id and skips it.
 */
final class BenchStore {
  static final String FILE_NAME = "results.jsonl";
  /** One line per result; snake_case names as in clr4j train's run.json (test_accuracy, train_seconds, ...). */
  static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
      .serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

  /** One finished configuration: a training run (clr4j or PyTorch) or a range test. Serialized by Gson. */
  static final class Result {
    String id;
    /** {@code clr4j}, {@code pytorch} or {@code range_test}. */
    String kind;
    String model;
    /** fixed, step, triangular2, exp_range, triangular_decay, onecycle (range tests: range_test). */
    String policy;
    String schedule;
    /** The fixed rate of a {@code fixed} run, else null. */
    Double lr;
    long seed;
    int epochs;
    /** completed or diverged (a diverged run keeps the epochs it finished). */
    String status;
    String note;
    double samplesPerSecond = Double.NaN;
    double trainSeconds = Double.NaN;
    double wallSeconds = Double.NaN;
    List<Epoch> epochResults = new ArrayList<>();
    // Range tests only.
    Double lower;
    Double upper;
    String method;

    double finalAccuracy() {
      return epochResults.isEmpty() || !"completed".equals(status) ? Double.NaN
          : epochResults.get(epochResults.size() - 1).testAccuracy;
    }

    double bestAccuracy() {
      double best = Double.NaN;
      for (Epoch e : epochResults) {
        if (Double.isNaN(best) || e.testAccuracy > best) {
          best = e.testAccuracy;
        }
      }
      return best;
    }
  }

  /** One epoch of a run, with the field names of clr4j train's run.json and train_pytorch.py's JSON. */
  static final class Epoch {
    int epoch;
    double testAccuracy;
    double testLoss;
    double trainLoss;
    /** Training seconds since the run began (evaluation excluded). */
    double trainSeconds;
    double samplesPerSecond;

    Epoch() {}

    Epoch(int epoch, double testAccuracy, double testLoss, double trainLoss, double trainSeconds,
        double samplesPerSecond) {
      this.epoch = epoch;
      this.testAccuracy = testAccuracy;
      this.testLoss = testLoss;
      this.trainLoss = trainLoss;
      this.trainSeconds = trainSeconds;
      this.samplesPerSecond = samplesPerSecond;
    }
  }

  private final Path file;
  private final Map<String, Result> byId = new LinkedHashMap<>();
  private int unreadable;

  private BenchStore(Path file) {
    this.file = file;
  }

  /** The store in {@code dir}, with every well-formed line already there (a torn last line is ignored). */
  static BenchStore open(Path dir) throws IOException {
    BenchStore store = new BenchStore(dir.resolve(FILE_NAME));
    if (Files.exists(store.file)) {
      for (String line : Files.readAllLines(store.file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          Result r = GSON.fromJson(line, Result.class);
          if (r != null && r.id != null) {
            store.byId.put(r.id, r);
          } else {
            store.unreadable++;
          }
        } catch (JsonParseException e) {
          store.unreadable++; // e.g. the half-written line of a killed run: that configuration runs again
        }
      }
    }
    return store;
  }

  Path file() {
    return file;
  }

  int size() {
    return byId.size();
  }

  int unreadable() {
    return unreadable;
  }

  Result get(String id) {
    return byId.get(id);
  }

  List<Result> all() {
    return List.copyOf(byId.values());
  }

  /** Records {@code r} and appends it to the file at once, as one line. */
  void add(Result r) throws IOException {
    String line = GSON.toJson(r) + "\n";
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    byId.put(r.id, r);
  }
}
