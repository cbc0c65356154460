package dev.croupier.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A markdown table built row by row; columns padded so it also reads well as plain text. */
public final class MarkdownTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with these column titles. */
  public MarkdownTable(List<String> header) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = List.copyOf(header);
  }

  /** Adds a row; it must have one cell per column. */
  public MarkdownTable row(List<String> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, the table " + header.size() + " columns: " + cells);
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** The column titles. */
  public List<String> header() {
    return header;
  }

  /** The rows so far. */
  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  /** The table as markdown. */
  public String render() {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = Math.max(3, header.get(c).length());
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, width);
    out.append('|');
    for (int w : width) {
      out.append(' ').append("-".repeat(w)).append(" |");
    }
    out.append('\n');
    for (List<String> r : rows) {
      line(out, r, width);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    out.append('|');
    for (int c = 0; c < width.length; c++) {
      String s = cells.get(c).replace("|", "\\|");
      out.append(' ').append(s).append(" ".repeat(Math.max(0, width[c] - s.length()))).append(" |");
    }
    out.append('\n');
  }
}
