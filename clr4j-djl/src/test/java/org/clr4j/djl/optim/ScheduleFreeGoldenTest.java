package org.clr4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schedule-Free SGD and AdamW in float32 against a float64 transcription of the paper's equations, written by
 * {@code src/test/python/generate_schedule_free_golden.py} (its header says how to rerun it and why the tolerance
 * is what it is): 300 steps of minibatch least squares with two weight tensors, warm-up, weight decay, the
 * gradient computed here from the weights (so it is taken at y). y (the weights) and x (the average) must stay
 * within {@code tolerance·(1 + |golden|)} at every recorded step; the generator checks that float32 itself deviates
 * from float64 by less than a tenth of that over these runs.
 */
class ScheduleFreeGoldenTest {

  private static final String RESOURCE = "/golden/schedule-free.tsv";
  private static final int BATCH = 8;

  record Case(String name, Map<String, String> keys, double[] lr, TreeMap<Integer, double[][]> states) {
    @Override
    public String toString() {
      return name + " " + keys.get("schedule");
    }
  }

  record Golden(double tolerance, Map<String, double[]> data, Map<String, long[]> shapes, Map<String, Case> cases) {}

  static final Golden GOLDEN = load();
  static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static Stream<Case> cases() {
    return GOLDEN.cases().values().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void yAndXFollowTheFloat64ReferenceOfThePapersEquations(Case c) {
    Schedule schedule = Schedule.parse(c.keys().get("schedule"));
    int steps = Integer.parseInt(c.keys().get("steps"));
    assertEquals(steps, c.lr().length);
    double expectedSum = 0;
    for (int t = 0; t < steps; t++) {
      // the generator's transcription of the schedule is clr4j's
      assertEquals(c.lr()[t], schedule.valueAt(t), 1e-12 * Math.abs(c.lr()[t]), "lr at step " + t);
      double gamma = (float) c.lr()[t] * rateFactor(c, t + 1);
      expectedSum += gamma * gamma;
    }
    ScheduleFreeOptimizer opt = build(c, schedule);
    double tol = GOLDEN.tolerance();
    try (NDManager m = manager.newSubManager()) {
      NDArray a = array(m, "A");
      NDArray b = array(m, "B");
      NDArray w = array(m, "W0");
      NDArray bias = array(m, "b0");
      int checked = 0;
      for (int step = 0; step < steps; step++) {
        int from = BATCH * (step % 4);
        NDIndex rows = new NDIndex(from + ":" + (from + BATCH));
        try (NDArray ab = a.get(rows);
            NDArray bb = b.get(rows);
            NDArray pred = ab.matMul(w);
            NDArray r = pred.add(bias);
            NDArray abT = ab.transpose()) {
          r.subi(bb);
          try (NDArray gw = abT.matMul(r).divi(BATCH);
              NDArray gb = r.sum(new int[] {0}).divi(BATCH)) {
            opt.update("W", w, gw);
            opt.update("b", bias, gb);
          }
        }
        double[][] expected = c.states().get(step + 1);
        if (expected != null) {
          String at = c.name() + " after " + (step + 1) + " steps";
          assertWithin(expected[0], concat(w, bias), tol, at + ": y (the weights)");
          assertWithin(expected[1], concat(opt.buffers("W", 0)[ScheduleFreeOptimizer.X],
              opt.buffers("b", 0)[ScheduleFreeOptimizer.X]), tol, at + ": x (the average)");
          checked++;
        }
      }
      assertEquals(c.states().size(), checked);
      assertEquals(steps, opt.updates());
      assertEquals(expectedSum, opt.weightSum(), 1e-12 * expectedSum, "sum of squared rates");

      // the evaluation weights are x, exactly; train() gives y back, exactly
      int[] y = OptimTesting.bitsOf(w, bias);
      int[] x = OptimTesting.bitsOf(opt.buffers("W", 0)[ScheduleFreeOptimizer.X],
          opt.buffers("b", 0)[ScheduleFreeOptimizer.X]);
      opt.eval();
      assertArrayEquals(x, OptimTesting.bitsOf(w, bias));
      assertWithin(c.states().lastEntry().getValue()[1], concat(w, bias), tol, "weights in eval mode");
      opt.train();
      assertArrayEquals(y, OptimTesting.bitsOf(w, bias));
    }
  }

  /** {@code γ_t / lr_t}: 1 for SGD, {@code sqrt(1 - b2^t)} for AdamW. */
  static double rateFactor(Case c, long t) {
    return c.keys().get("kind").equals("sf-adamw")
        ? Math.sqrt(1 - Math.pow(Double.parseDouble(c.keys().get("beta2")), t))
        : 1;
  }

  static ScheduleFreeOptimizer build(Case c, Schedule schedule) {
    Map<String, String> k = c.keys();
    double beta = Double.parseDouble(k.get("beta"));
    float wd = Float.parseFloat(k.get("wd"));
    switch (k.get("kind")) {
      case "sf-sgd":
        return ScheduleFreeSgd.builder().schedule(schedule).momentum(beta).optWeightDecays(wd).build();
      case "sf-adamw":
        return ScheduleFreeAdamW.builder().schedule(schedule).beta1(beta)
            .beta2(Double.parseDouble(k.get("beta2"))).epsilon(Double.parseDouble(k.get("eps")))
            .optWeightDecays(wd).build();
      default:
        throw new IllegalArgumentException("kind " + k.get("kind"));
    }
  }

  static NDArray array(NDManager m, String name) {
    double[] v = GOLDEN.data().get(name);
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
      assertEquals(v[i], f[i], 0, name + " must be float32-representable");
    }
    return m.create(f, new Shape(GOLDEN.shapes().get(name)));
  }

  static float[] concat(NDArray... arrays) {
    float[] out = new float[0];
    for (NDArray a : arrays) {
      float[] f = a.toFloatArray();
      int n = out.length;
      out = Arrays.copyOf(out, n + f.length);
      System.arraycopy(f, 0, out, n, f.length);
    }
    return out;
  }

  static void assertWithin(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(actual[i] - expected[i]);
      assertTrue(err <= tol * (1 + Math.abs(expected[i])),
          what + ", element " + i + ": expected " + expected[i] + " but was " + actual[i] + " (error " + err + ")");
    }
  }

  static Golden load() {
    Map<String, double[]> data = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, Case> cases = new LinkedHashMap<>();
    double tolerance = Double.NaN;
    try (InputStream in = ScheduleFreeGoldenTest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "tolerance" -> tolerance = Double.parseDouble(f[1]);
          case "data" -> {
            long[] shape = new long[f.length - 3];
            for (int i = 0; i < shape.length; i++) {
              shape[i] = Long.parseLong(f[2 + i]);
            }
            shapes.put(f[1], shape);
            data.put(f[1], numbers(f[f.length - 1]));
          }
          case "case" -> {
            Map<String, String> keys = new LinkedHashMap<>();
            for (int i = 2; i < f.length; i++) {
              int eq = f[i].indexOf('=');
              keys.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
            cases.put(f[1], new Case(f[1], keys, null, new TreeMap<>()));
          }
          case "lr" -> {
            Case c = cases.get(f[1]);
            cases.put(f[1], new Case(c.name(), c.keys(), numbers(f[2]), c.states()));
          }
          case "state" -> cases.get(f[1]).states()
              .put(Integer.parseInt(f[2]), new double[][] {numbers(f[3]), numbers(f[4])});
          default -> throw new IllegalStateException("unexpected line in " + RESOURCE + ": " + f[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!(tolerance > 0) || cases.isEmpty()) {
      throw new IllegalStateException(RESOURCE + " has no tolerance or no case");
    }
    return new Golden(tolerance, data, shapes, cases);
  }

  static double[] numbers(String s) {
    return Arrays.stream(s.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }
}
