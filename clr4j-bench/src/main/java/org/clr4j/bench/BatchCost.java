package org.clr4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import java.util.Locale;
import org.clr4j.data.DataSources;
import org.clr4j.data.Dataset;
import org.clr4j.reference.DjlData;
import org.clr4j.sampling.EpochOrder;

/**
 * Two costs of a training step's plumbing, measured alone (docs/BENCHMARKS.md, "Machine E: the same measurements
 * again"): a shuffled batch of full Fashion-MNIST gathered by {@link DjlData} in Java against libtorch's own
 * {@code index} on the same rows of a native copy (ms per batch, alternating, {@code BATCHES} batches each); and one
 * small operator through DJL ({@code neg} and {@code log_softmax} of a 128×10 array, µs per call), for
 * {@code clr4j-bench/python/op_cost.py}'s PyTorch figures.
 *
 * <pre>
 *   java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *       -cp clr4j-bench/target/benchmarks.jar org.clr4j.bench.BatchCost [BATCHES]
 * </pre>
 */
public final class BatchCost {
  private BatchCost() {}

  public static void main(String[] args) {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int warmUp = 200;
    Dataset train = DataSources.parse("fashion-mnist").train();
    int n = train.size();
    int batch = StepProbe.BATCH;
    int[] order = new EpochOrder(n, StepProbe.SEED).order(0);
    try (NDManager m = NDManager.newBaseManager()) {
      ArrayDataset gathering = DjlData.of(m, train, batch, false);
      NDArray features = m.create(train.features(), new Shape(n, train.featureCount()));
      long[] y = new long[n];
      for (int i = 0; i < n; i++) {
        y[i] = train.labels()[i];
      }
      NDArray labels = m.create(y, new Shape(n));
      for (int round = 1; round <= 3; round++) {
        for (boolean inJava : new boolean[] {true, false}) {
          long start = 0;
          for (int s = 0; s < warmUp + batches; s++) {
            if (s == warmUp) {
              start = System.nanoTime();
            }
            int from = (s * batch) % (n - batch);
            long[] indices = new long[batch];
            for (int i = 0; i < batch; i++) {
              indices[i] = order[from + i];
            }
            try (NDManager sub = m.newSubManager()) {
              if (inJava) {
                try (Batch b = gathering.getByIndices(sub, indices)) {
                  b.getData();
                }
              } else {
                NDArray index = sub.create(indices);
                features.get(sub, new NDIndex("{}", index));
                labels.get(sub, new NDIndex("{}", index));
              }
            }
          }
          System.out.printf(Locale.ROOT, "round %d  batch gathered %s: %.3f ms%n", round,
              inJava ? "in Java (DjlData)" : "by libtorch (index)", (System.nanoTime() - start) / 1e6 / batches);
        }
      }
      NDArray small = m.ones(new Shape(batch, 10));
      for (int round = 1; round <= 3; round++) {
        int calls = 20_000;
        long t0 = System.nanoTime();
        try (NDManager sub = m.newSubManager()) {
          for (int i = 0; i < calls; i++) {
            small.neg().close();
          }
        }
        long t1 = System.nanoTime();
        try (NDManager sub = m.newSubManager()) {
          for (int i = 0; i < calls; i++) {
            small.logSoftmax(1).close();
          }
        }
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "round %d  neg %.2f us, log_softmax %.2f us per call%n", round,
            (t1 - t0) / 1e3 / calls, (t2 - t1) / 1e3 / calls);
      }
    }
  }
}
