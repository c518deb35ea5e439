package org.clr4j.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format): a 4-byte magic {@code 0 0 TYPE RANK}, RANK big-endian int dimensions, then
 * the values. Only unsigned bytes (TYPE 0x08) are supported, which is what MNIST-style image and label files use.
 * Files may be gzipped or plain; gzip is recognised by its magic bytes, not by the file name.
 */
final class IdxReader {
  static final int UNSIGNED_BYTE = 0x08;
  private static final float[] UNIT = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      UNIT[i] = i / 255f;
    }
  }

  private IdxReader() {}

  /** A parsed IDX file: its dimensions and the byte array holding the values from {@code offset} on. */
  record Idx(String file, int[] dims, byte[] bytes, int offset) {
    int count() {
      return dims[0];
    }

    /** Values as floats in [0, 1] (x / 255), the usual pixel scaling. */
    float[] toUnitFloats() {
      float[] out = new float[bytes.length - offset];
      for (int i = 0; i < out.length; i++) {
        out[i] = UNIT[bytes[offset + i] & 0xff];
      }
      return out;
    }

    int[] toInts() {
      int[] out = new int[bytes.length - offset];
      for (int i = 0; i < out.length; i++) {
        out[i] = bytes[offset + i] & 0xff;
      }
      return out;
    }
  }

  /** The decompressed bytes of a file, gzipped or not. Errors name the file. */
  static byte[] readContent(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return readContent(path.toString(), in);
    } catch (NoSuchFileException e) {
      throw new DatasetException(path + ": file not found", e);
    } catch (IOException e) {
      throw new DatasetException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The decompressed bytes of a stream, gzipped or not; {@code label} names the source in errors. A truncated or
   * damaged gzip stream is reported as such.
   */
  static byte[] readContent(String label, InputStream raw) throws IOException {
    PushbackInputStream in = new PushbackInputStream(raw, 2);
    int b0 = in.read();
    int b1 = b0 < 0 ? -1 : in.read();
    if (b1 >= 0) {
      in.unread(b1);
    }
    if (b0 >= 0) {
      in.unread(b0);
    }
    if (b0 != 0x1f || b1 != 0x8b) {
      return in.readAllBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    try (GZIPInputStream gz = new GZIPInputStream(in, 1 << 16)) {
      gz.transferTo(out);
    } catch (EOFException e) {
      throw new DatasetException(label + ": gzip data is truncated (" + e.getMessage() + ")", e);
    } catch (ZipException e) {
      throw new DatasetException(label + ": gzip data is corrupt (" + e.getMessage() + ")", e);
    }
    return out.toByteArray();
  }

  /**
   * Parses IDX bytes of unsigned bytes with the given rank, checking that the data length matches the header.
   *
   * @param file names the file in errors
   */
  static Idx parse(String file, byte[] bytes, int rank) {
    if (bytes.length < 4) {
      throw new DatasetException(file + ": not an IDX file (only " + bytes.length + " bytes)");
    }
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw new DatasetException(file + ": not an IDX file (magic number "
          + String.format("0x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]) + " does not start 0x0000)");
    }
    int type = bytes[2] & 0xff;
    int actualRank = bytes[3] & 0xff;
    if (type != UNSIGNED_BYTE) {
      throw new DatasetException(file + ": IDX value type 0x" + Integer.toHexString(type)
          + " is not supported (expected 0x08, unsigned byte)");
    }
    if (actualRank != rank) {
      throw new DatasetException(file + ": IDX file has " + actualRank + " dimensions, expected " + rank
          + (rank == 1 ? " (a label file)" : rank == 3 ? " (an image file)" : ""));
    }
    int header = 4 + 4 * rank;
    if (bytes.length < header) {
      throw new DatasetException(file + ": IDX header is truncated (" + bytes.length + " bytes, need " + header + ")");
    }
    int[] dims = new int[rank];
    long values = 1;
    for (int d = 0; d < rank; d++) {
      int p = 4 + 4 * d;
      dims[d] = ((bytes[p] & 0xff) << 24) | ((bytes[p + 1] & 0xff) << 16) | ((bytes[p + 2] & 0xff) << 8)
          | (bytes[p + 3] & 0xff);
      if (dims[d] < 1) {
        throw new DatasetException(file + ": IDX dimension " + d + " is " + Integer.toUnsignedString(dims[d])
            + ", must be >= 1");
      }
      values *= dims[d];
    }
    if (bytes.length - header != values) {
      throw new DatasetException(file + ": IDX header promises " + values + " values (" + dimsText(dims)
          + ") but the file holds " + (bytes.length - header));
    }
    return new Idx(file, dims, bytes, header);
  }

  static String dimsText(int[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < dims.length; d++) {
      sb.append(d == 0 ? "" : "x").append(dims[d]);
    }
    return sb.toString();
  }
}
