package org.clr4j.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every schedule agrees with real PyTorch (1.13) to a relative 1e-9, over the golden file written by
 * {@code src/test/python/generate_pytorch_golden.py}: CyclicLR in all modes, with and without momentum cycling and
 * uneven halves, OneCycleLR (cos/linear, 2/3 phases), StepLR, ExponentialLR, CosineAnnealingLR's closed form,
 * CosineAnnealingWarmRestarts and clr4j's decay of both bounds, at steps up to 10^7.
 */
class PyTorchParityTest {
  private static final String RESOURCE = "/golden/pytorch-schedules.tsv";
  private static final double REL_TOL = 1e-9;
  private static final double ZERO_FLOOR = 1e-300;

  /** One golden row; {@code momentum} is NaN where the TSV leaves it empty. */
  private record Row(long step, double lr, double momentum) {}

  private static final Map<String, List<Row>> GOLDEN = load();
  /** The largest relative error seen, per schedule kind (the spec's name), reported after the run. */
  private static final Map<String, Worst> WORST = new ConcurrentHashMap<>();

  private record Worst(double rel, String spec, long step, String what) {}

  private static Map<String, List<Row>> load() {
    Map<String, List<Row>> bySpec = new LinkedHashMap<>();
    try (InputStream in = PyTorchParityTest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = reader.readLine();
      if (!"spec\tstep\tlr\tmomentum".equals(header)) {
        throw new IllegalStateException("unexpected header in " + RESOURCE + ": " + header);
      }
      String line;
      while ((line = reader.readLine()) != null) {
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new IllegalStateException("expected 4 tab-separated fields: " + line);
        }
        double momentum = f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]);
        bySpec.computeIfAbsent(f[0], k -> new ArrayList<>())
            .add(new Row(Long.parseLong(f[1]), Double.parseDouble(f[2]), momentum));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bySpec;
  }

  /** Fails unless {@code actual} is within the relative tolerance of {@code expected}; records the worst error. */
  private static void check(String spec, long step, String what, double actual, double expected) {
    double err = Math.abs(actual - expected);
    double rel = expected == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / Math.abs(expected);
    WORST.merge(spec.substring(0, spec.indexOf('(')), new Worst(rel, spec, step, what),
        (a, b) -> b.rel() > a.rel() ? b : a);
    boolean ok = expected == 0 ? err <= ZERO_FLOOR : err <= REL_TOL * Math.abs(expected);
    if (!ok) {
      fail(spec + " step " + step + ": " + what + " = " + actual + " but PyTorch gives " + expected
          + " (relative error " + rel + ")");
    }
  }

  @TestFactory
  Stream<DynamicTest> agreesWithPyTorch() {
    return GOLDEN.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      String spec = e.getKey();
      Schedule schedule = Schedule.parse(spec);
      assertEquals(schedule, Schedule.parse(schedule.toString()),
          () -> "toString() does not parse back to an equal schedule: " + schedule);
      for (Row row : e.getValue()) {
        check(spec, row.step(), "lr", schedule.valueAt(row.step()), row.lr());
        double momentum = schedule.momentumAt(row.step());
        if (Double.isNaN(row.momentum())) {
          assertTrue(Double.isNaN(momentum),
              () -> spec + " step " + row.step() + ": momentum " + momentum + " where PyTorch sets none");
        } else {
          check(spec, row.step(), "momentum", momentum, row.momentum());
        }
      }
    }));
  }

  /** Guards the data itself: a truncated or regenerated-empty file must not pass silently. */
  @Test
  void goldenFileCoversEveryScheduleKind() {
    assertTrue(GOLDEN.size() >= 100, "only " + GOLDEN.size() + " specs in " + RESOURCE);
    for (String kind : List.of("triangular(", "triangular2(", "exp_range(", "onecycle(", "step(", "exponential(",
        "cosine(", "cosine_restarts(")) {
      assertTrue(GOLDEN.keySet().stream().anyMatch(s -> s.startsWith(kind)), "no " + kind + "...) spec");
    }
    assertTrue(GOLDEN.keySet().stream().anyMatch(s -> s.contains("decay=")), "no decay= spec");
    assertTrue(GOLDEN.keySet().stream().anyMatch(s -> s.contains("down=")), "no uneven halves");
    assertTrue(GOLDEN.keySet().stream().anyMatch(s -> s.contains("phases=3")), "no 3-phase 1cycle");
    long maxStep = GOLDEN.values().stream().flatMap(List::stream).mapToLong(Row::step).max().orElse(0);
    assertTrue(maxStep >= 9_999_999L, "largest sampled step is only " + maxStep);
  }

  @AfterAll
  static void reportWorst() {
    new TreeMap<>(WORST).forEach((kind, w) -> System.out.println("PyTorchParityTest: largest relative error for "
        + kind + ": " + w.rel() + " (" + w.what() + " of " + w.spec() + " at step " + w.step() + ")"));
  }
}
