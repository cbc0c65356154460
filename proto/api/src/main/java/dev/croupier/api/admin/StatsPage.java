package dev.croupier.api.admin;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items this page, in the order asked for
 * @param nextCursor what to pass as the next query's cursor, or null when this is the last page
 * @param total how many items the whole listing has
 * @param <T> the item type
 */
public record StatsPage<T>(List<T> items, String nextCursor, long total) {

  /** Copies the items. */
  public StatsPage {
    items = List.copyOf(items);
  }
}
