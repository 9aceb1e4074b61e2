import { redactPassword, resolveDatabaseLocation } from './database-url';

describe(resolveDatabaseLocation.name, () => {
  it('puts the service database on a server URL', () => {
    const sut = resolveDatabaseLocation('postgres://app:secret@db.internal:5432', 'o2c_deals');
    expect(sut).toEqual({
      url: 'postgres://app:secret@db.internal:5432/o2c_deals',
      database: 'o2c_deals',
      maintenanceUrl: 'postgres://app:secret@db.internal:5432/postgres',
    });
  });

  it('keeps a database named in a per-service URL', () => {
    const sut = resolveDatabaseLocation(
      'postgresql://root@127.0.0.1:5432/billing_prod?sslmode=disable',
      'o2c_x',
    );
    expect(sut.database).toBe('billing_prod');
    expect(sut.url).toBe('postgresql://root@127.0.0.1:5432/billing_prod?sslmode=disable');
  });

  it.each([
    ['not a url', /not a URL/],
    ['mysql://root@localhost/x', /must be a postgres:\/\/ URL/],
    ['postgres://root@localhost/Bad-Name', /must match/],
  ])('refuses %s', (input, message) => {
    expect(() => resolveDatabaseLocation(input, 'o2c_deals')).toThrow(message);
  });
});

describe(redactPassword.name, () => {
  it('hides the password only', () => {
    expect(redactPassword('postgres://app:s3cr3t@host:5432/db')).toBe('postgres://app:***@host:5432/db');
    expect(redactPassword('postgres://app@host/db')).toBe('postgres://app@host/db');
  });
});
