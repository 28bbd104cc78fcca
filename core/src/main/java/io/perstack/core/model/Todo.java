package io.perstack.core.model;

import java.util.ArrayList;
import java.util.List;

/** The base skill's todo list of one Expert conversation (docs/runtime.md §14). */
public record Todo(int nextId, List<Item> items) {
    public static final Todo EMPTY = new Todo(0, List.of());

    public Todo {
        items = List.copyOf(items);
    }

    public record Item(int id, String title, boolean completed) {}

    public Todo add(List<String> titles, List<Integer> completedIds) {
        List<Item> next = new ArrayList<>(items.size() + titles.size());
        int id = nextId;
        for (Item item : items) {
            next.add(completedIds.contains(item.id()) ? new Item(item.id(), item.title(), true) : item);
        }
        for (String title : titles) {
            Item added = new Item(id++, title, false);
            next.add(completedIds.contains(added.id()) ? new Item(added.id(), title, true) : added);
        }
        return new Todo(id, next);
    }

    public List<Item> remaining() {
        return items.stream().filter(i -> !i.completed()).toList();
    }
}
