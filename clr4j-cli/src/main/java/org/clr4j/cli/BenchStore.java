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

  /**
   * What a result is: a clr4j training run, a PyTorch one, a range test or a weight-decay search. The text is what
   * results.jsonl holds
   * (and bench.csv's framework column), so results of earlier benches keep loading.
   */
  enum Kind {
    CLR4J("clr4j"), PYTORCH("pytorch"), RANGE_TEST("range_test"), WEIGHT_DECAY_SEARCH("weight_decay_search");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }

    static Kind ofText(String text) {
      return BenchStore.ofText(values(), Kind::text, "kind", text);
    }
  }

  /** How a run ended; the text is what results.jsonl and bench.csv hold. */
  enum Status {
    COMPLETED("completed"),
    /** The loss became non-finite; the run keeps the epochs it finished. */
    DIVERGED("diverged");

    private final String text;

    Status(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }

    static Status ofText(String text) {
      return BenchStore.ofText(values(), Status::text, "status", text);
    }
  }

  /**
   * One finished configuration: a training run (clr4j or PyTorch) or a range test. Serialized by Gson: the fields
   * hold the stored text forms, the accessors {@link #kind()}, {@link #policy()} and {@link #status()} the types.
   */
  static final class Result {
    String id;
    /** {@link Kind}'s text: clr4j, pytorch or range_test. */
    String kind;
    String model;
    /** {@link BenchPolicy}'s text: fixed, step, triangular2, exp_range, triangular_decay, onecycle, range_test. */
    String policy;
    String schedule;
    /** The fixed rate of a {@code fixed} run, else null. */
    Double lr;
    long seed;
    int epochs;
    /** {@link Status}'s text: completed or diverged (a diverged run keeps the epochs it finished). */
    String status;
    String note;
    double samplesPerSecond = Double.NaN;
    double trainSeconds = Double.NaN;
    double wallSeconds = Double.NaN;
    List<Epoch> epochResults = new ArrayList<>();
    /**
     * A training run's weight decay when not the default (null: the default, as in results of earlier benches); a
     * weight-decay search's choice.
     */
    Double weightDecay;
    // Range tests only.
    Double lower;
    Double upper;
    String method;

    Kind kind() {
      return Kind.ofText(kind);
    }

    Result kind(Kind k) {
      kind = k.text();
      return this;
    }

    BenchPolicy policy() {
      return BenchPolicy.ofText(policy);
    }

    Result policy(BenchPolicy p) {
      policy = p.text();
      return this;
    }

    Status status() {
      return Status.ofText(status);
    }

    Result status(Status s) {
      status = s.text();
      return this;
    }

    boolean completed() {
      return status() == Status.COMPLETED;
    }

    double finalAccuracy() {
      return epochResults.isEmpty() || !completed() ? Double.NaN
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

  /** The constant whose text is {@code text}; IllegalArgumentException naming {@code what} and the known texts. */
  static <E extends Enum<E>> E ofText(E[] values, java.util.function.Function<E, String> text, String what,
      String value) {
    for (E e : values) {
      if (text.apply(e).equals(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(what + " (" + value + ") must be one of "
        + String.join(", ", java.util.Arrays.stream(values).map(text).toList()));
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
          if (r != null && r.id != null && hasKnownTexts(r)) {
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

  /** Whether the typed accessors can read {@code r}: a line with an unknown kind, policy or status runs again. */
  private static boolean hasKnownTexts(Result r) {
    try {
      r.kind();
      r.policy();
      r.status();
      return true;
    } catch (IllegalArgumentException unknown) {
      return false;
    }
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
