// Finding what a person clicks on a message, and filling in a modal, as Discord's client would.
import { ButtonStyle, ComponentType as C } from 'discord-api-types/v10';
import type { MessageRecord } from './types.js';

/** The fields of any component that the driver (and the sandbox) look at. */
export interface Component {
  type: C;
  custom_id?: string;
  disabled?: boolean;
  style?: number;
  options?: Array<{ value: string }>;
  min_values?: number;
  max_values?: number;
  components?: Component[];
  accessory?: Component;
  component?: Component;
}

const SELECTS = new Set<C>([C.StringSelect, C.UserSelect, C.RoleSelect, C.MentionableSelect, C.ChannelSelect]);

/** Every component of a message, action rows and sections opened, in order. */
export function* walkComponents<T extends { components?: T[]; accessory?: T; component?: T }>(components: T[]): Generator<T> {
  for (const component of components) {
    yield component;
    if (component.components) yield* walkComponents(component.components);
    if (component.accessory) yield component.accessory;
    if (component.component) yield component.component;
  }
}

/** The button or select menu with this custom_id, if a person could use it. */
export function findComponent(message: MessageRecord, customId: string, isSelect: boolean, values?: string[]): Component {
  const all = [...walkComponents(message.components as Component[])];
  const component = all.find((c) => c.custom_id === customId);
  const ids = all.flatMap((c) => (c.custom_id ? [c.custom_id] : []));
  if (!component) throw new Error(`loopback driver: message ${message.id} has no component '${customId}' (has: ${ids.join(', ') || 'none'})`);
  if (component.disabled) throw new Error(`loopback driver: '${customId}' on message ${message.id} is disabled`);
  if (isSelect !== SELECTS.has(component.type)) {
    throw new Error(`loopback driver: '${customId}' is a component of type ${component.type}; use ${isSelect ? 'click' : 'select'}`);
  }
  if (component.type === C.Button && (component.style === ButtonStyle.Link || component.style === ButtonStyle.Premium)) {
    throw new Error(`loopback driver: '${customId}' is a link or premium button; it sends no interaction`);
  }
  if (values) checkValues(component, customId, values);
  return component;
}

function checkValues(component: Component, customId: string, values: string[]): void {
  const min = component.min_values ?? 1;
  const max = component.max_values ?? 1;
  if (values.length < min || values.length > max) {
    throw new Error(`loopback driver: '${customId}' takes ${min}..${max} values, got ${values.length}`);
  }
  if (component.type === C.StringSelect) {
    const offered = new Set((component.options ?? []).map((o) => o.value));
    const stray = values.filter((v) => !offered.has(v));
    if (stray.length) throw new Error(`loopback driver: '${customId}' offers no option ${stray.join(', ')}`);
  }
}

/** The submitted modal's components, mirroring the rows or labels the bot's modal had. */
export function modalSubmission(modal: Record<string, unknown>, values: Record<string, string>): unknown[] {
  const field = (input: Component) => ({ type: input.type, custom_id: input.custom_id, value: values[input.custom_id ?? ''] ?? '' });
  return ((modal['components'] as Component[] | undefined) ?? []).flatMap((component): unknown[] => {
    if (component.type === C.ActionRow) return [{ type: C.ActionRow, components: (component.components ?? []).map(field) }];
    if (component.type === C.Label && component.component) return [{ type: C.Label, component: field(component.component) }];
    return [];
  });
}
