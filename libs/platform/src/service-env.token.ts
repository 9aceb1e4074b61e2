/** Injection token of the service's validated settings (an instance of its env schema class). */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
