package org.clr4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** clr4j datasets as DL4J mini-batches (features flattened, labels one-hot). */
public final class Dl4jData {
  private Dl4jData() {}

  /** The mini-batches of one epoch, in the order {@code new EpochOrder(size, seed).order(epoch)}. */
  public static List<DataSet> batches(Dataset data, int batchSize, long seed, long epoch, DataType type) {
    int[] order = new EpochOrder(data.size(), seed).order(epoch);
    return batches(data, order, batchSize, type);
  }

  /** The mini-batches of {@code data} in its stored order. */
  public static List<DataSet> inOrder(Dataset data, int batchSize, DataType type) {
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return batches(data, order, batchSize, type);
  }

  private static List<DataSet> batches(Dataset data, int[] order, int batchSize, DataType type) {
    List<DataSet> batches = new ArrayList<>();
    int f = data.featureCount();
    int c = data.numClasses();
    for (int from = 0; from < order.length; from += batchSize) {
      int n = Math.min(batchSize, order.length - from);
      float[] x = new float[n * f];
      int[] y = new int[n];
      data.gather(order, from, n, x, y);
      float[] oneHot = new float[n * c];
      for (int i = 0; i < n; i++) {
        oneHot[i * c + y[i]] = 1f;
      }
      batches.add(new DataSet(Nd4j.create(x, new long[] {n, f}, 'c').castTo(type),
          Nd4j.create(oneHot, new long[] {n, c}, 'c').castTo(type)));
    }
    return batches;
  }

  public static DataSetIterator iterator(List<DataSet> batches) {
    return new ListDataSetIterator<>(batches, 1);
  }
}
