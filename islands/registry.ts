/**
 * Every island, by name. The client entry loads only the islands a page has
 * (each is its own chunk); the server uses the same names to mark islands.
 * A test checks that every file in islands/ is listed here.
 */
export const islands = {
  time_zone_field: () => import("./time_zone_field.tsx"),
  toaster: () => import("./toaster.tsx"),
  copy_button: () => import("./copy_button.tsx"),
  live_alerts: () => import("./live_alerts.tsx"),
  activity_list: () => import("./activity_list.tsx"),
  draft_list: () => import("./draft_list.tsx"),
  engagement_panel: () => import("./engagement_panel.tsx"),
  message_header: () => import("./message_header.tsx"),
  message_timeline: () => import("./message_timeline.tsx"),
  composer: () => import("./composer.tsx"),
  bell: () => import("./bell.tsx"),
  live_status: () => import("./live_status.tsx"),
  assistant_board: () => import("./assistant_board.tsx"),
  alarm_editor: () => import("./alarm_editor.tsx"),
  notification_settings: () => import("./notification_settings.tsx"),
  scheduled_send: () => import("./scheduled_send.tsx"),
  template_editor: () => import("./template_editor.tsx"),
  template_picker: () => import("./template_picker.tsx"),
} as const;

export type IslandName = keyof typeof islands;
