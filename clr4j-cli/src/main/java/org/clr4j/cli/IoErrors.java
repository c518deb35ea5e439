package org.clr4j.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** File-system errors in words: the path and what is wrong with it, never the exception's class name. */
final class IoErrors {
  private IoErrors() {}

  /** {@code PATH: reason}, or the reason alone where the exception names no path. */
  static String describe(IOException e) {
    String reason = reason(e);
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      return fs.getFile() + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "") + ": " + reason;
    }
    return reason;
  }

  /** What is wrong, without the path. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException fs && fs.getReason() != null && !fs.getReason().isBlank()) {
      return lowerFirst(fs.getReason());
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "input/output error";
    }
    return lowerFirst(m);
  }

  /** {@code s} with its first character in lower case, to continue a sentence. */
  private static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
