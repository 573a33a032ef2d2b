/*
 * dragsource: a GTK window whose one button drags the file URI it is given,
 * as a file manager drags a file (text/uri-list). The e2e drags it onto the
 * production window with xdotool: a real drop over X (XDND), as WebKitGTK
 * and Wails get it from a file manager, which a browser test cannot make.
 *
 *   dragsource file:///path/to/file.csv
 */
#include <gtk/gtk.h>

static const char *uri;

static void get(GtkWidget *w, GdkDragContext *c, GtkSelectionData *d, guint info, guint t, gpointer u) {
  gchar *uris[] = {(gchar *)uri, NULL};
  gtk_selection_data_set_uris(d, uris);
}

int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  if (argc != 2) {
    g_printerr("usage: dragsource URI\n");
    return 2;
  }
  uri = argv[1];
  GtkWidget *win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_title(GTK_WINDOW(win), "dragsource");
  gtk_window_set_default_size(GTK_WINDOW(win), 120, 120);
  GtkWidget *b = gtk_button_new_with_label("drag");
  gtk_container_add(GTK_CONTAINER(win), b);
  GtkTargetEntry targets[] = {{"text/uri-list", 0, 0}};
  gtk_drag_source_set(b, GDK_BUTTON1_MASK, targets, 1, GDK_ACTION_COPY);
  g_signal_connect(b, "drag-data-get", G_CALLBACK(get), NULL);
  g_signal_connect(win, "destroy", G_CALLBACK(gtk_main_quit), NULL);
  gtk_widget_show_all(win);
  gtk_main();
  return 0;
}
