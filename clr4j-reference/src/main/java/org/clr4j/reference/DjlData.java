package org.clr4j.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.clr4j.data.Dataset;

/**
 * clr4j's in-memory datasets as DJL {@link ArrayDataset}s: features as one float32 array of shape
 * {@code (n, sampleShape...)}, labels as int64 class indices. DJL's {@code ArrayDataset} gathers a batch in one
 * native call per array, so no per-sample work happens in Java.
 */
public final class DjlData {
  private DjlData() {}

  /** All samples of {@code data}, in order, sampled in batches of {@code batchSize}. */
  public static ArrayDataset of(NDManager manager, Dataset data, int batchSize, boolean dropLast) {
    return of(manager, data, null, batchSize, dropLast);
  }

  /**
   * Samples {@code indices} of {@code data} (all, in order, when null), sampled sequentially in batches of
   * {@code batchSize}; {@code dropLast} drops a last, smaller batch.
   */
  public static ArrayDataset of(NDManager manager, Dataset data, int[] indices, int batchSize, boolean dropLast) {
    int n = indices == null ? data.size() : indices.length;
    int f = data.featureCount();
    float[] x;
    long[] y = new long[n];
    if (indices == null) {
      x = data.features();
      for (int i = 0; i < n; i++) {
        y[i] = data.labels()[i];
      }
    } else {
      x = new float[n * f];
      int[] labels = new int[n];
      data.gather(indices, 0, n, x, labels);
      for (int i = 0; i < n; i++) {
        y[i] = labels[i];
      }
    }
    NDArray features = manager.create(x, ReferenceModel.inputShape(n, data.sampleShape()));
    NDArray labelArray = manager.create(y, new Shape(n));
    return new ArrayDataset.Builder().setData(features).optLabels(labelArray)
        .setSampling(batchSize, false, dropLast).build();
  }

  /**
   * A fingerprint of the data's content (CRC-32 of every feature and label, with the shape), to tell whether a
   * checkpoint was made on the same data.
   */
  public static String fingerprint(Dataset data) {
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    float[] x = data.features();
    for (int i = 0; i < x.length; i++) {
      if (buf.remaining() < Float.BYTES) {
        crc.update(buf.flip());
        buf.clear();
      }
      buf.putFloat(x[i]);
    }
    for (int label : data.labels()) {
      if (buf.remaining() < Integer.BYTES) {
        crc.update(buf.flip());
        buf.clear();
      }
      buf.putInt(label);
    }
    crc.update(buf.flip());
    return String.format("crc32:%08x (%d samples of %s, %d classes)", crc.getValue(), data.size(),
        java.util.Arrays.toString(data.sampleShape()), data.numClasses());
  }
}
