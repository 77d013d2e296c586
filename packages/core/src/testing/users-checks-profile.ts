import { expect } from 'vitest'
import type { UserProfile, UserProfileInput } from '../users/types.js'
import { expectNotFound, expectValidationError, uniqueId } from './usage-check-kit.js'
import type { UsersCheck } from './users-check-kit.js'

/** Profile checks: create, update, role rules and refusals. */
export const usersProfileChecks = {
  'upsert creates a user with role user, nulls and createdAt = the store clock': async ({ users, clock }) => {
    clock.advance(1000)
    const id = uniqueId('user-new')
    const now = clock.now()
    const created = await users.upsert({ id, email: `${id}@example.com` })
    const expected: UserProfile = {
      id,
      email: `${id}@example.com`,
      name: null,
      image: null,
      role: 'user',
      plan: null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      loginCount: 0,
    }
    expect(created).toEqual(expected)
    expect(await users.get(id)).toEqual(expected)
    expect(await users.get(uniqueId('user-missing'))).toBeNull()
  },

  'upsert updates given fields, keeps omitted ones and clears nulls': async ({ users, clock }) => {
    const id = uniqueId('user-update')
    const createdAt = clock.now()
    await users.upsert({ id, email: 'a@example.com', name: 'Ada', image: 'https://img/a', plan: 'pro' })
    clock.advance(5000)
    const updated = await users.upsert({ id, name: 'Ada L.', image: null })
    expect(updated).toEqual({
      id,
      email: 'a@example.com',
      name: 'Ada L.',
      image: null,
      role: 'user',
      plan: 'pro',
      createdAt,
      updatedAt: createdAt + 5000,
      lastLoginAt: null,
      loginCount: 0,
    })
    expect(await users.get(id)).toEqual(updated)
    const cleared = await users.upsert({ id, email: null, name: null, plan: null })
    expect(cleared).toMatchObject({ email: null, name: null, image: null, plan: null, createdAt })
  },

  'upsert without a role never changes it; an explicit role does': async ({ users }) => {
    const id = uniqueId('user-admin')
    expect((await users.upsert({ id, role: 'admin' })).role).toBe('admin')
    // What a sign-in does: refresh the profile without knowing the role.
    expect((await users.upsert({ id, email: 'boss@example.com', name: 'Boss' })).role).toBe('admin')
    expect((await users.get(id))?.role).toBe('admin')
    expect((await users.upsert({ id, role: 'user' })).role).toBe('user')
    expect((await users.upsert({ id, name: 'Boss again' })).role).toBe('user')
  },

  'setRole changes the role; an unknown user is NotFoundError': async ({ users, clock }) => {
    const id = uniqueId('user-role')
    await users.upsert({ id, name: 'Role' })
    clock.advance(10)
    const promoted = await users.setRole(id, 'admin')
    expect(promoted).toMatchObject({ id, role: 'admin', name: 'Role', updatedAt: clock.now() })
    expect((await users.get(id))?.role).toBe('admin')
    expect((await users.setRole(id, 'user')).role).toBe('user')
    const ghost = uniqueId('user-ghost')
    await expectNotFound(users.setRole(ghost, 'admin'))
    expect(await users.get(ghost)).toBeNull()
  },

  'invalid profiles and roles are refused with ValidationError and nothing is written': async ({ users }) => {
    const id = uniqueId('user-invalid')
    const bad: unknown[] = [
      { id, role: 'owner' },
      { id: '' },
      { id, email: 42 },
      { id, unexpected: true },
      { id, name: 'x'.repeat(201) },
      { id: 'x'.repeat(201) },
    ]
    for (const input of bad) await expectValidationError(users.upsert(input as UserProfileInput))
    expect(await users.get(id)).toBeNull()
    await users.upsert({ id, name: 'Kept' })
    await expectValidationError(users.upsert({ id, name: 'Changed', role: 'root' } as unknown as UserProfileInput))
    await expectValidationError(users.setRole(id, 'root' as 'admin'))
    expect(await users.get(id)).toMatchObject({ name: 'Kept', role: 'user' })
    await expectValidationError(users.get(''))
  },
} satisfies Record<string, UsersCheck>
