package org.clr4j.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.zip.CRC32;
import org.clr4j.data.Dataset;

/**
 * clr4j's in-memory datasets as DJL {@link ArrayDataset}s: features as one float32 array of shape
 * {@code (n, sampleShape...)}, labels as int64 class indices; shuffled batches gathered into reused direct buffers.
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
    ArrayDataset.Builder builder = new ArrayDataset.Builder().setData(features).optLabels(labelArray)
        .setSampling(batchSize, false, dropLast);
    return new Gathering(builder, x, y, data.sampleShape(), f);
  }

  /**
   * An {@link ArrayDataset} whose shuffled batches are gathered in Java into reused native-order direct buffers
   * that the engine reads in place (CPU) or copies (GPU), instead of {@code ArrayDataset}'s advanced-indexing
   * gather, which took several times longer (docs/BENCHMARKS.md, "The library on any model"). The same values, bit
   * for bit (ReferenceRunsTest).
   *
   * <p>The buffers are reused in turn, one set per batch that can be alive at once: the one being trained on, the
   * ones DJL's prefetching iterator prepares ahead ({@code prefetchNumber}, DJL's default 2), and the one it starts
   * fetching before handing out the next. So batches may be gathered on another thread while one trains (the
   * training loop's {@code optPrefetch}), but a batch's arrays are rewritten {@code prefetchNumber + 2} fetches
   * later: close it before then, as the training loop and the range test do. Consecutive indices (evaluation) take
   * {@code ArrayDataset}'s slicing path.
   */
  private static final class Gathering extends ArrayDataset {
    private final float[] features;
    private final long[] labels;
    private final int[] sampleShape;
    private final int featureCount;
    private final ByteBuffer[] featureBuffers;
    private final ByteBuffer[] labelBuffers;
    private int next;

    Gathering(ArrayDataset.Builder builder, float[] features, long[] labels, int[] sampleShape, int featureCount) {
      super(builder);
      this.features = features;
      this.labels = labels;
      this.sampleShape = sampleShape.clone();
      this.featureCount = featureCount;
      int sets = prefetchNumber + 2;
      this.featureBuffers = new ByteBuffer[sets];
      this.labelBuffers = new ByteBuffer[sets];
      for (int i = 0; i < sets; i++) {
        featureBuffers[i] = ByteBuffer.allocateDirect(0);
        labelBuffers[i] = ByteBuffer.allocateDirect(0);
      }
    }

    @Override
    public Batch getByIndices(NDManager manager, long... indices) {
      int n = indices.length;
      ByteBuffer featureBuffer;
      ByteBuffer labelBuffer;
      synchronized (this) { // one set per call, also when batches are fetched from several threads
        int set = next;
        next = (next + 1) % featureBuffers.length;
        if (featureBuffers[set].capacity() < n * featureCount * Float.BYTES) {
          featureBuffers[set] = ByteBuffer.allocateDirect(n * featureCount * Float.BYTES)
              .order(ByteOrder.nativeOrder());
          labelBuffers[set] = ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder());
        }
        featureBuffer = featureBuffers[set];
        labelBuffer = labelBuffers[set];
      }
      featureBuffer.clear();
      labelBuffer.clear();
      FloatBuffer x = featureBuffer.asFloatBuffer();
      LongBuffer y = labelBuffer.asLongBuffer();
      for (long index : indices) {
        int i = Math.toIntExact(index);
        x.put(features, i * featureCount, featureCount);
        y.put(labels[i]);
      }
      featureBuffer.limit(n * featureCount * Float.BYTES);
      labelBuffer.limit(n * Long.BYTES);
      NDList data = new NDList(manager.create(featureBuffer, ReferenceModel.inputShape(n, sampleShape),
          DataType.FLOAT32));
      NDList labelList = new NDList(manager.create(labelBuffer, new Shape(n), DataType.INT64));
      return new Batch(manager, data, labelList, n, dataBatchifier, labelBatchifier, -1, -1);
    }
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
